package io.snapbank.auditor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.snapbank.auditor.core.AbortReason;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The auditor's snapshot meters, in the vocabulary of Flink's checkpoint metrics, derived from the
 * audit reports it reads (and so the same for every auditor reading one bank) plus the Kafka
 * Streams meters of its topology ({@link KafkaStreamsMetrics}):
 *
 * <ul>
 *   <li>counts: snapshots by final status, aborted ones by reason, deep audits by result, and the
 *       request-to-verdict duration histogram by status, for reports read after the auditor started
 *       (a report already in the topic at start sets the gauges only);
 *   <li>the snapshots in progress (pending in the topology), the last CONSISTENT snapshot (id,
 *       time, age), and of the last complete (CONSISTENT or VIOLATION) one: its recorded in-flight
 *       transfers and amount, its conservation difference (0 when the bank is healthy) and, per
 *       channel, how many records the receiver read from its position when it recorded to the
 *       channel's marker.
 * </ul>
 *
 * Reports may be handed over from one thread, meters read from any. {@link #close()} removes them.
 */
public final class AuditMeters implements AutoCloseable {
  /** The snapshot duration histogram's buckets. */
  static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private static final long NONE = Long.MIN_VALUE;

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<AuditStatus, Counter> byStatus = new EnumMap<>(AuditStatus.class);
  private final Map<AuditStatus, Timer> durations = new EnumMap<>(AuditStatus.class);
  private final Map<String, Counter> abortReasons = new HashMap<>();
  private final Map<String, AtomicLong> markerWait = new HashMap<>();
  private final Map<String, Meter> markerWaitMeters = new HashMap<>();
  private final Counter deepVerified;
  private final Counter deepFailed;
  private final AtomicLong lastCompletedId = new AtomicLong(NONE);
  private final AtomicLong lastCompletedAtMs = new AtomicLong(NONE);
  private final AtomicLong lastCompleteId = new AtomicLong(NONE);
  private final AtomicLong inFlightTransfers = new AtomicLong(NONE);
  private final AtomicLong inFlightAmount = new AtomicLong(NONE);
  private final AtomicLong difference = new AtomicLong(NONE);
  private final KafkaStreamsMetrics streamsMeters;
  private boolean closed;

  /**
   * Meters of an auditor whose topology is {@code streams} (null: none bound) and whose snapshots
   * in progress {@code inProgress} counts (negative: not known now).
   */
  public AuditMeters(ProcessMeters process, KafkaStreams streams, LongSupplier inProgress) {
    this.registry = process.registry();
    for (AuditStatus s : AuditStatus.values()) {
      byStatus.put(
          s,
          add(
              Counter.builder("snapbank.snapshots")
                  .description("snapshots that reached a final status")
                  .tag("status", s.name())
                  .register(registry)));
      durations.put(
          s,
          add(
              Timer.builder("snapbank.snapshot.duration")
                  .description("from a snapshot's request to the auditor's verdict, by status")
                  .tag("status", s.name())
                  .serviceLevelObjectives(DURATION_BUCKETS)
                  .register(registry)));
    }
    for (AbortReason reason : AbortReason.values()) {
      abortReason(reason.name());
    }
    deepVerified = add(deepAudits("verified"));
    deepFailed = add(deepAudits("failed"));
    add(
        Gauge.builder(
                "snapbank.snapshots.in.progress",
                inProgress,
                s -> {
                  long n = s.getAsLong();
                  return n < 0 ? Double.NaN : n;
                })
            .description("snapshots requested or reported but not decided yet")
            .strongReference(true)
            .register(registry));
    gauge(
        "snapbank.snapshot.last.completed.id",
        "id of the last CONSISTENT snapshot",
        null,
        lastCompletedId,
        1);
    gauge(
        "snapbank.snapshot.last.completed.timestamp",
        "when the last CONSISTENT snapshot was decided (Unix time)",
        "seconds",
        lastCompletedAtMs,
        0.001);
    add(
        Gauge.builder(
                "snapbank.snapshot.last.completed.age",
                lastCompletedAtMs,
                at ->
                    at.get() == NONE
                        ? Double.NaN
                        : Math.max(0, System.currentTimeMillis() - at.get()) / 1000.0)
            .description("time since the last CONSISTENT snapshot was decided")
            .baseUnit("seconds")
            .register(registry));
    gauge(
        "snapbank.snapshot.last.id",
        "id of the last complete (CONSISTENT or VIOLATION) snapshot",
        null,
        lastCompleteId,
        1);
    gauge(
        "snapbank.snapshot.inflight.transfers",
        "transfers the last complete snapshot recorded in flight on its channels",
        null,
        inFlightTransfers,
        1);
    gauge(
        "snapbank.snapshot.inflight.amount",
        "money the last complete snapshot recorded in flight, in minor units",
        null,
        inFlightAmount,
        1);
    gauge(
        "snapbank.snapshot.conservation.difference",
        "balances + in flight - expected total of the last complete snapshot (0 when healthy)",
        null,
        difference,
        1);
    if (streams != null) {
      streamsMeters =
          new KafkaStreamsMetrics(
              streams, List.of(), process.kafkaRefresh(), ProcessMeters.KAFKA_REFRESH);
      streamsMeters.bindTo(registry);
    } else {
      streamsMeters = null;
    }
  }

  private Counter deepAudits(String result) {
    return Counter.builder("snapbank.deep.audits")
        .description("deep audits (in-flight transfers re-read from the log), by result")
        .tag("result", result)
        .register(registry);
  }

  private void gauge(String name, String description, String unit, AtomicLong v, double scale) {
    add(
        Gauge.builder(name, v, x -> x.get() == NONE ? Double.NaN : x.get() * scale)
            .description(description)
            .baseUnit(unit)
            .register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /**
   * An audit report read from the audit-reports topic; {@code history} when it was already there
   * when the auditor started (it sets the gauges, and counts nothing).
   */
  public synchronized void report(AuditReport r, boolean history) {
    if (closed) {
      return;
    }
    if (r.getDeepAudit() != null) {
      if (!history) {
        (r.getDeepAudit().getVerified() ? deepVerified : deepFailed).increment();
      }
      return; // the snapshot's verdict was counted when it was first published
    }
    AuditStatus status = r.getStatus();
    if (!history) {
      byStatus.get(status).increment();
      durations.get(status).record(Math.max(0, r.getLatencyMs()), TimeUnit.MILLISECONDS);
      if (status == AuditStatus.ABORTED) {
        abortReason(r.getAbortReason().isEmpty() ? "UNKNOWN" : r.getAbortReason()).increment();
      }
    }
    if (status == AuditStatus.ABORTED || r.getSnapshotId() < lastCompleteId.get()) {
      return;
    }
    if (status == AuditStatus.CONSISTENT) {
      lastCompletedId.set(r.getSnapshotId());
      lastCompletedAtMs.set(r.getCompletedAtMs());
    }
    lastCompleteId.set(r.getSnapshotId());
    long count = 0;
    Map<String, Long> waits = new HashMap<>();
    for (ChannelState c : r.getChannels()) {
      count += c.getCount();
      waits.put(c.getFromNode() + "->" + c.getToNode(), c.getMarkerOffset() - c.getFirstOffset());
    }
    inFlightTransfers.set(count);
    inFlightAmount.set(r.getInFlightTotal());
    difference.set(r.getDifference());
    markerWaits(r.getChannels(), waits);
  }

  /** Per channel of the last complete snapshot; channels it did not cover are dropped. */
  private void markerWaits(List<ChannelState> channels, Map<String, Long> waits) {
    for (String gone : new ArrayList<>(markerWait.keySet())) {
      if (!waits.containsKey(gone)) {
        markerWait.remove(gone);
        Meter m = markerWaitMeters.remove(gone);
        registry.remove(m);
        meters.remove(m);
      }
    }
    for (ChannelState c : channels) {
      String key = c.getFromNode() + "->" + c.getToNode();
      AtomicLong v =
          markerWait.computeIfAbsent(
              key,
              k -> {
                AtomicLong a = new AtomicLong();
                Meter m =
                    add(
                        Gauge.builder("snapbank.channel.marker.wait", a, AtomicLong::get)
                            .description(
                                "records the receiver read on the channel, from its position"
                                    + " when it recorded to the marker, in the last complete"
                                    + " snapshot")
                            .baseUnit("records")
                            .tag("from", Integer.toString(c.getFromNode()))
                            .tag("to", Integer.toString(c.getToNode()))
                            .register(registry));
                markerWaitMeters.put(k, m);
                return a;
              });
      v.set(waits.get(key));
    }
  }

  private Counter abortReason(String reason) {
    return abortReasons.computeIfAbsent(
        reason,
        r ->
            add(
                Counter.builder("snapbank.snapshots.aborted")
                    .description("ABORTED snapshots by reason")
                    .tag("reason", r)
                    .register(registry)));
  }

  /** Removes the auditor's meters from the registry. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streamsMeters != null) {
      streamsMeters.close();
    }
    meters.forEach(registry::remove);
    meters.clear();
  }
}
