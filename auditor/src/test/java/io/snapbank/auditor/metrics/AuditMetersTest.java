package io.snapbank.auditor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.DeepAudit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditMetersTest {
  private final ProcessMeters process = new ProcessMeters("test");
  private final MeterRegistry registry = process.registry();
  private final AtomicLong pending = new AtomicLong(-1);
  private final AuditMeters meters = new AuditMeters(process, null, pending::get);

  @AfterEach
  void close() {
    meters.close();
    process.close();
  }

  private static ChannelState channel(int from, int to, long first, long marker, long count) {
    return new ChannelState(from, to, first, marker, count, count * 10, -1L, 0, -1L);
  }

  private static AuditReport report(
      long id, AuditStatus status, long difference, long latencyMs, List<ChannelState> channels) {
    long inFlight = channels.stream().mapToLong(ChannelState::getSum).sum();
    return AuditReport.newBuilder()
        .setSnapshotId(id)
        .setStatus(status)
        .setExpectedTotal(1000)
        .setBalancesTotal(1000 - inFlight + difference)
        .setInFlightTotal(inFlight)
        .setDifference(difference)
        .setNodes(List.of())
        .setChannels(channels)
        .setRequestedAtMs(id * 1000)
        .setCompletedAtMs(id * 1000 + latencyMs)
        .setLatencyMs(latencyMs)
        .build();
  }

  private static AuditReport aborted(long id, String reason) {
    AuditReport r = report(id, AuditStatus.ABORTED, 0, 5000, List.of());
    r.setAbortReason(reason);
    return r;
  }

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double markerWait(int from, int to) {
    return registry
        .get("snapbank.channel.marker.wait")
        .tag("from", Integer.toString(from))
        .tag("to", Integer.toString(to))
        .gauge()
        .value();
  }

  @Test
  void when_reports_arrive_then_statuses_durations_and_the_last_snapshots_figures_follow_them() {
    meters.report(
        report(10, AuditStatus.CONSISTENT, 0, 300, List.of(channel(0, 1, 5, 9, 3))), false);
    meters.report(
        report(
            11,
            AuditStatus.VIOLATION,
            7,
            400,
            List.of(channel(0, 1, 20, 26, 4), channel(1, 0, 8, 8, 0))),
        false);
    meters.report(aborted(12, "TIMED_OUT"), false);

    assertEquals(1, counter("snapbank.snapshots", "status", "CONSISTENT"));
    assertEquals(1, counter("snapbank.snapshots", "status", "VIOLATION"));
    assertEquals(1, counter("snapbank.snapshots", "status", "ABORTED"));
    assertEquals(1, counter("snapbank.snapshots.aborted", "reason", "TIMED_OUT"));
    assertEquals(
        0.3,
        registry
            .get("snapbank.snapshot.duration")
            .tag("status", "CONSISTENT")
            .timer()
            .totalTime(TimeUnit.SECONDS),
        1e-9);
    assertEquals(
        1, registry.get("snapbank.snapshot.duration").tag("status", "ABORTED").timer().count());
    assertEquals(10, gauge("snapbank.snapshot.last.completed.id"));
    assertEquals(10.3, gauge("snapbank.snapshot.last.completed.timestamp"), 1e-9);
    assertTrue(gauge("snapbank.snapshot.last.completed.age") >= 0);
    assertEquals(11, gauge("snapbank.snapshot.last.id"));
    assertEquals(7, gauge("snapbank.snapshot.conservation.difference"));
    assertEquals(4, gauge("snapbank.snapshot.inflight.transfers"));
    assertEquals(40, gauge("snapbank.snapshot.inflight.amount"));
    assertEquals(6, markerWait(0, 1));
    assertEquals(0, markerWait(1, 0));
  }

  @Test
  void when_reports_were_in_the_topic_at_start_then_they_set_the_gauges_and_count_nothing() {
    meters.report(
        report(20, AuditStatus.CONSISTENT, 0, 300, List.of(channel(2, 0, 0, 3, 2))), true);
    meters.report(aborted(21, "EPOCH_CHANGED"), true);

    assertEquals(0, counter("snapbank.snapshots", "status", "CONSISTENT"));
    assertEquals(0, counter("snapbank.snapshots", "status", "ABORTED"));
    assertEquals(0, counter("snapbank.snapshots.aborted", "reason", "EPOCH_CHANGED"));
    assertEquals(
        0, registry.get("snapbank.snapshot.duration").tag("status", "CONSISTENT").timer().count());
    assertEquals(20, gauge("snapbank.snapshot.last.completed.id"));
    assertEquals(3, markerWait(2, 0));
  }

  @Test
  void when_a_deep_audit_updates_a_report_then_only_the_deep_audit_counts() {
    AuditReport r = report(30, AuditStatus.CONSISTENT, 0, 300, List.of(channel(0, 1, 0, 1, 1)));
    meters.report(r, false);
    AuditReport deep =
        AuditReport.newBuilder(r).setDeepAudit(new DeepAudit(true, List.of(), List.of())).build();
    meters.report(deep, false);
    AuditReport failed =
        AuditReport.newBuilder(r)
            .setDeepAudit(new DeepAudit(false, List.of(), List.of("x")))
            .build();
    meters.report(failed, false);

    assertEquals(1, counter("snapbank.snapshots", "status", "CONSISTENT"));
    assertEquals(1, counter("snapbank.deep.audits", "result", "verified"));
    assertEquals(1, counter("snapbank.deep.audits", "result", "failed"));
  }

  @Test
  void when_an_older_report_arrives_after_a_newer_one_then_the_gauges_keep_the_newer() {
    meters.report(
        report(41, AuditStatus.CONSISTENT, 0, 300, List.of(channel(0, 1, 0, 9, 5))), false);
    meters.report(
        report(40, AuditStatus.VIOLATION, 3, 300, List.of(channel(0, 1, 0, 2, 1))), false);

    assertEquals(41, gauge("snapbank.snapshot.last.completed.id"));
    assertEquals(0, gauge("snapbank.snapshot.conservation.difference"));
    assertEquals(9, markerWait(0, 1));
    assertEquals(1, counter("snapbank.snapshots", "status", "VIOLATION"));
  }

  @Test
  void when_the_next_snapshot_covers_fewer_channels_then_the_others_marker_wait_is_dropped() {
    meters.report(
        report(
            50,
            AuditStatus.CONSISTENT,
            0,
            300,
            List.of(channel(0, 1, 0, 2, 1), channel(1, 2, 0, 4, 1))),
        false);
    meters.report(
        report(51, AuditStatus.CONSISTENT, 0, 300, List.of(channel(0, 1, 2, 7, 3))), false);

    assertEquals(5, markerWait(0, 1));
    assertNull(registry.find("snapbank.channel.marker.wait").tag("from", "1").gauge());
  }

  @Test
  void when_nothing_is_known_yet_then_the_gauges_are_not_a_number() {
    assertTrue(Double.isNaN(gauge("snapbank.snapshots.in.progress")));
    assertTrue(Double.isNaN(gauge("snapbank.snapshot.last.completed.id")));
    assertTrue(Double.isNaN(gauge("snapbank.snapshot.last.completed.age")));
    assertTrue(Double.isNaN(gauge("snapbank.snapshot.conservation.difference")));
    pending.set(2);
    assertEquals(2, gauge("snapbank.snapshots.in.progress"));
  }

  @Test
  void when_closed_then_its_meters_leave_the_registry() {
    meters.report(
        report(60, AuditStatus.CONSISTENT, 0, 300, List.of(channel(0, 1, 0, 2, 1))), false);
    meters.close();

    assertNull(registry.find("snapbank.snapshots").counter());
    assertNull(registry.find("snapbank.channel.marker.wait").gauge());
    assertTrue(registry.find("jvm.memory.used").gauges().size() > 0);
  }
}
