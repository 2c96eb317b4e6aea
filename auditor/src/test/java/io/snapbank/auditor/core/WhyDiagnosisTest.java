package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.Diagnosis.Cause;
import io.snapbank.auditor.core.SnapshotProgress.ChannelProgress;
import io.snapbank.auditor.core.SnapshotProgress.NodeProgress;
import io.snapbank.auditor.core.SnapshotProgress.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhyDiagnosisTest {
  private static final long REQUESTED = 100_000;
  private static final long NOW = 112_300;

  /** A healthy node that recorded at the request and commits on. */
  private static NodeProgress running(int node, boolean reported) {
    return new NodeProgress(node, true, reported, NOW - 100, 0);
  }

  /** Channel from->to of a two-node bank, closed at the receiver. */
  private static ChannelProgress closed(int from, int to) {
    return new ChannelProgress(from, to, true, 500, 480, 520, 520);
  }

  private static SnapshotProgress pending(
      List<NodeProgress> nodes, List<ChannelProgress> channels) {
    return new SnapshotProgress(7, Stage.PENDING, "", REQUESTED, 0, List.of(0, 1), nodes, channels);
  }

  @Test
  void when_the_snapshot_has_its_verdict_then_it_is_complete() {
    SnapshotProgress p =
        new SnapshotProgress(
            7,
            Stage.CONSISTENT,
            "",
            REQUESTED,
            0,
            List.of(0, 1),
            List.of(running(0, true), running(1, true)),
            List.of(closed(0, 1), closed(1, 0)));
    Diagnosis d = WhyDiagnosis.diagnose(p, NOW);
    assertEquals(Cause.COMPLETE, d.cause());
    assertTrue(d.text().contains("nothing holds it back"), d.text());
  }

  @Test
  void when_a_member_has_not_committed_since_the_request_then_it_is_down() {
    NodeProgress down = new NodeProgress(1, false, false, REQUESTED - 45_000, 0);
    ChannelProgress waiting = new ChannelProgress(0, 1, false, 300, 480, 520, 520);
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(List.of(running(0, false), down), List.of(waiting, closed(1, 0))), NOW);
    assertEquals(Cause.NODE_DOWN, d.cause());
    assertTrue(
        d.text().startsWith("node 1 has committed nothing since 45.0 s before the request"),
        d.text());
    assertTrue(
        d.evidence()
            .contains(
                "channel 0->1: open at node 1, marker at offset 480, receiver at 300: 180 records before the marker; no open transaction: last stable offset 520 = high watermark 520"),
        d.evidence().toString());
  }

  @Test
  void when_a_member_never_committed_then_it_is_down() {
    NodeProgress never = new NodeProgress(1, false, false, -1, -1);
    Diagnosis d = WhyDiagnosis.diagnose(pending(List.of(running(0, false), never), List.of()), NOW);
    assertEquals(Cause.NODE_DOWN, d.cause());
    assertTrue(d.text().contains("has never committed"), d.text());
  }

  @Test
  void when_a_member_is_in_an_earlier_epoch_then_it_waits_for_the_change() {
    NodeProgress behind = new NodeProgress(1, false, false, NOW - 10, 0);
    SnapshotProgress p =
        new SnapshotProgress(
            7,
            Stage.PENDING,
            "",
            REQUESTED,
            2,
            List.of(0, 1),
            List.of(running(0, false), behind),
            List.of());
    Diagnosis d = WhyDiagnosis.diagnose(p, NOW);
    assertEquals(Cause.NODE_BEHIND_EPOCH, d.cause());
    assertTrue(
        d.text().contains("node 1 is in epoch 0, the snapshot belongs to epoch 2"), d.text());
  }

  @Test
  void when_a_running_member_has_not_recorded_then_it_is_named_with_the_marker_it_lags() {
    NodeProgress idle = new NodeProgress(1, false, false, NOW - 10, 0);
    ChannelProgress waiting = new ChannelProgress(0, 1, false, 400, 480, 520, 520);
    Diagnosis d =
        WhyDiagnosis.diagnose(pending(List.of(running(0, false), idle), List.of(waiting)), NOW);
    assertEquals(Cause.NODE_NOT_RECORDED, d.cause());
    assertTrue(d.text().contains("it is 80 records behind it"), d.text());
  }

  @Test
  void when_an_open_transaction_holds_the_channel_before_the_marker_then_that_is_the_cause() {
    ChannelProgress held = new ChannelProgress(0, 1, false, 520, -1, 520, 600);
    ChannelProgress behind = new ChannelProgress(1, 0, false, 100, 900, 950, 950);
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(List.of(running(0, false), running(1, false)), List.of(held, behind)), NOW);
    assertEquals(Cause.OPEN_TRANSACTION, d.cause());
    assertTrue(
        d.text().contains("holds channel 0->1 at offset 520 (high watermark 600)"), d.text());
    assertTrue(
        d.evidence().stream()
            .anyMatch(
                e -> e.contains("open transaction: last stable offset 520 < high watermark 600")),
        d.evidence().toString());
  }

  @Test
  void when_the_marker_is_not_in_the_log_and_nothing_holds_it_then_it_is_missing() {
    ChannelProgress gone = new ChannelProgress(0, 1, false, 520, -1, 520, 520);
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(List.of(running(0, false), running(1, false)), List.of(gone, closed(1, 0))),
            NOW);
    assertEquals(Cause.MARKER_MISSING, d.cause());
  }

  @Test
  void when_receivers_are_behind_their_markers_then_the_furthest_behind_is_named() {
    ChannelProgress near = new ChannelProgress(0, 1, false, 470, 480, 520, 520);
    ChannelProgress far = new ChannelProgress(1, 0, false, 100, 900, 950, 950);
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(List.of(running(0, false), running(1, false)), List.of(near, far)), NOW);
    assertEquals(Cause.RECEIVER_BEHIND, d.cause());
    assertTrue(d.text().startsWith("node 0 has 800 records to read on channel 1->0"), d.text());
  }

  @Test
  void when_every_channel_is_closed_but_a_report_is_missing_then_it_comes_with_the_next_commit() {
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(
                List.of(running(0, true), running(1, false)), List.of(closed(0, 1), closed(1, 0))),
            NOW);
    assertEquals(Cause.REPORT_NOT_COMMITTED, d.cause());
    assertTrue(d.text().startsWith("node 1 has recorded every channel"), d.text());
  }

  @Test
  void when_every_member_reported_and_no_verdict_then_the_auditor_is_behind() {
    Diagnosis d =
        WhyDiagnosis.diagnose(
            pending(
                List.of(running(0, true), running(1, true)), List.of(closed(0, 1), closed(1, 0))),
            NOW);
    assertEquals(Cause.AUDITOR_BEHIND, d.cause());
  }

  @Test
  void when_aborted_by_a_restore_or_a_membership_change_then_that_is_the_cause() {
    List<NodeProgress> nodes = new ArrayList<>(List.of(running(0, false)));
    SnapshotProgress superseded =
        new SnapshotProgress(
            7, Stage.ABORTED, "SUPERSEDED", REQUESTED, 0, List.of(0), nodes, List.of());
    assertEquals(Cause.SUPERSEDED, WhyDiagnosis.diagnose(superseded, NOW).cause());
    SnapshotProgress changed =
        new SnapshotProgress(
            7, Stage.ABORTED, "EPOCH_CHANGED", REQUESTED, 0, List.of(0), nodes, List.of());
    assertEquals(Cause.EPOCH_CHANGED, WhyDiagnosis.diagnose(changed, NOW).cause());
  }

  @Test
  void when_timed_out_with_a_receiver_that_did_not_reach_its_marker_then_it_was_too_slow() {
    ChannelProgress late = new ChannelProgress(0, 1, false, 900, 480, 950, 950);
    SnapshotProgress p =
        new SnapshotProgress(
            7,
            Stage.ABORTED,
            "TIMED_OUT",
            REQUESTED,
            0,
            List.of(0, 1),
            List.of(running(0, true), running(1, false)),
            List.of(closed(1, 0), late));
    Diagnosis d = WhyDiagnosis.diagnose(p, NOW);
    assertEquals(Cause.RECEIVER_BEHIND, d.cause());
    assertTrue(d.text().endsWith("(it has read past it since)"), d.text());
    assertTrue(
        d.text()
            .contains("did not reach the marker on channel 0->1 (offset 480) before the timeout"),
        d.text());
  }

  @Test
  void when_records_before_the_marker_are_counted_then_closed_unknown_and_uncommitted_differ() {
    assertEquals(0, new ChannelProgress(0, 1, true, 10, 20, 30, 30).recordsBeforeMarker());
    assertEquals(-1, new ChannelProgress(0, 1, false, -1, 20, 30, 30).recordsBeforeMarker());
    assertEquals(10, new ChannelProgress(0, 1, false, 10, 20, 30, 30).recordsBeforeMarker());
    assertEquals(20, new ChannelProgress(0, 1, false, 10, -1, 30, 40).recordsBeforeMarker());
  }
}
