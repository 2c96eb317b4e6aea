package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * One test per row of the transition table in {@link SnapshotEngine}'s Javadoc, plus save/restore.
 */
class SnapshotEngineTest {
  private final List<String> sent = new ArrayList<>();
  private final List<LocalSnapshot> done = new ArrayList<>();
  private final Ledger ledger = new Ledger(Map.of("a", 100L, "b", 50L));

  private final SnapshotEngine.Outbox outbox =
      new SnapshotEngine.Outbox() {
        @Override
        public void sendMarker(Lane to, long seq, long snapshotId, ChannelCounters sentBefore) {
          sent.add("marker " + snapshotId + " to " + to.label() + " seq " + seq);
        }

        @Override
        public void completed(LocalSnapshot s) {
          done.add(s);
        }
      };

  private static List<Lane> lanes(int... nodes) {
    List<Lane> out = new ArrayList<>();
    for (int n : nodes) {
      out.add(Lane.of(n));
    }
    return out;
  }

  /** Node 1 with channels from 0, 2, 3 and to 3, 0, 2. */
  private SnapshotEngine engine() {
    return new SnapshotEngine(1, lanes(3, 0, 2), lanes(3, 0, 2), ledger, outbox, true);
  }

  @Test
  void when_requested_then_state_recorded_and_markers_sent_in_ascending_destination_order() {
    SnapshotEngine e = engine();
    e.nextTransferSeq(Lane.of(2)); // a transfer already went out on 1->2
    assertEquals(Outcome.STARTED, e.onRequest(5, 1, 2));
    assertEquals(
        List.of("marker 5 to 0 seq 1", "marker 5 to 2 seq 2", "marker 5 to 3 seq 1"), sent);
    assertEquals(
        3, e.nextTransferSeq(Lane.of(2)), "later transfers follow the marker on the channel");
  }

  @Test
  void when_first_marker_arrives_then_its_channel_is_closed_empty_and_others_record() {
    SnapshotEngine e = engine();
    e.setNextOffset(
        Lane.of(2), 20); // the consumer's position on channel 2->1 when recording starts
    assertEquals(Outcome.STARTED, e.onMarker(Lane.of(0), 1, 10, 6, 5));
    assertEquals(3, sent.size());
    assertEquals(Outcome.RECORDED, e.onTransfer(Lane.of(2), 1, 20, 7));
    assertEquals(
        Outcome.ACCEPTED,
        e.onTransfer(Lane.of(0), 2, 11, 9),
        "channel 0->1 is closed: not recorded");
    assertEquals(Outcome.CHANNEL_CLOSED, e.onMarker(Lane.of(2), 2, 21, 6, 6));
    assertEquals(Outcome.COMPLETED, e.onMarker(Lane.of(3), 1, 30, 6, 7));
    LocalSnapshot s = done.get(0);
    assertEquals(Map.of("a", 100L, "b", 50L), s.balances());
    ChannelSnapshot c0 = s.channels().get(0);
    ChannelSnapshot c2 = s.channels().get(1);
    assertEquals(List.of(0, 2, 3), s.channels().stream().map(ChannelSnapshot::from).toList());
    assertEquals(0, c0.count());
    assertEquals(10, c0.firstOffset());
    assertEquals(10, c0.markerOffset());
    assertEquals(1, c2.count());
    assertEquals(7, c2.sum());
    assertEquals(20, c2.firstOffset());
    assertEquals(21, c2.markerOffset());
  }

  @Test
  void when_the_node_has_no_incoming_channels_then_a_request_completes_at_once() {
    SnapshotEngine e = new SnapshotEngine(0, List.of(), lanes(1), ledger, outbox, false);
    assertEquals(Outcome.COMPLETED, e.onRequest(1, 0, 0));
    assertEquals(1, done.size());
    assertEquals(List.of("marker 1 to 1 seq 1"), sent);
  }

  @Test
  void when_two_snapshots_are_open_then_a_message_is_recorded_in_both() {
    SnapshotEngine e = engine();
    e.onRequest(1, 0, 0);
    e.onRequest(2, 0, 0);
    assertEquals(Outcome.RECORDED, e.onTransfer(Lane.of(0), 1, 0, 5));
    for (long id : List.of(1L, 2L)) {
      e.onMarker(Lane.of(0), id == 1 ? 2 : 3, id, id, 1);
      e.onMarker(Lane.of(2), id, id, id, 1);
      e.onMarker(Lane.of(3), id, id, id, 1);
    }
    assertEquals(2, done.size());
    assertEquals(5, done.get(0).channels().get(0).sum());
    assertEquals(5, done.get(1).channels().get(0).sum());
  }

  @Test
  void when_a_second_initiator_requests_the_same_id_then_already_active() {
    SnapshotEngine e = engine();
    e.onRequest(3, 0, 0);
    assertEquals(Outcome.ALREADY_ACTIVE, e.onRequest(3, 0, 0));
    assertEquals(3, sent.size(), "markers sent once");
  }

  @Test
  void when_a_marker_repeats_on_a_closed_channel_then_duplicate_marker() {
    SnapshotEngine e = engine();
    e.onRequest(4, 0, 0);
    assertEquals(Outcome.CHANNEL_CLOSED, e.onMarker(Lane.of(0), 1, 0, 4, 1));
    assertEquals(Outcome.DUPLICATE_MARKER, e.onMarker(Lane.of(0), 2, 1, 4, 1));
  }

  @Test
  void when_snapshot_is_finished_then_requests_and_markers_are_late() {
    SnapshotEngine e = engine();
    e.onRequest(8, 0, 0);
    e.onMarker(Lane.of(0), 1, 0, 8, 1);
    e.onMarker(Lane.of(2), 1, 0, 8, 1);
    assertEquals(Outcome.COMPLETED, e.onMarker(Lane.of(3), 1, 0, 8, 1));
    assertEquals(Outcome.LATE, e.onRequest(8, 0, 2));
    assertEquals(Outcome.LATE, e.onMarker(Lane.of(0), 2, 1, 8, 2));
    assertEquals(Outcome.LATE, e.onAbort(8));
  }

  @Test
  void when_aborted_then_state_dropped_and_later_markers_late_and_unknown_abort_remembered() {
    SnapshotEngine e = engine();
    e.onRequest(9, 0, 0);
    assertEquals(Outcome.ABORTED, e.onAbort(9));
    assertTrue(e.openSnapshots().isEmpty());
    assertEquals(Outcome.LATE, e.onMarker(Lane.of(0), 1, 0, 9, 1));
    assertEquals(Outcome.UNKNOWN, e.onAbort(10));
    assertEquals(Outcome.LATE, e.onMarker(Lane.of(2), 1, 0, 10, 1), "an aborted id never starts");
    assertTrue(done.isEmpty());
  }

  @Test
  void when_sequence_skips_or_repeats_then_fifo_violation_and_nothing_applied() {
    SnapshotEngine e = engine();
    e.onRequest(1, 0, 0);
    assertEquals(Outcome.SEQUENCE_GAP, e.onTransfer(Lane.of(0), 2, 0, 5));
    assertEquals(0, e.lastReceivedSeq(Lane.of(0)));
    assertEquals(Outcome.RECORDED, e.onTransfer(Lane.of(0), 1, 0, 5));
    assertEquals(Outcome.SEQUENCE_DUPLICATE, e.onTransfer(Lane.of(0), 1, 1, 5));
    assertEquals(Outcome.SEQUENCE_DUPLICATE, e.onMarker(Lane.of(0), 1, 1, 1, 0));
    assertEquals(Outcome.SEQUENCE_GAP, e.onMarker(Lane.of(0), 3, 1, 1, 0));
    assertTrue(Outcome.SEQUENCE_GAP.isFifoViolation() && !Outcome.RECORDED.isFifoViolation());
  }

  @Test
  void when_state_is_saved_and_restored_then_the_open_snapshot_completes_as_if_never_stopped() {
    List<LocalSnapshot> results = new ArrayList<>();
    for (boolean restart : new boolean[] {false, true}) {
      done.clear();
      SnapshotEngine e = engine();
      e.setNextOffset(Lane.of(0), 40);
      e.onTransfer(Lane.of(0), 1, 40, 3);
      e.onRequest(2, 7, 8);
      e.onTransfer(Lane.of(0), 2, 41, 4);
      e.onMarker(Lane.of(2), 1, 5, 2, 9);
      if (restart) {
        EngineState saved = e.save();
        e = engine();
        e.restore(saved);
      }
      e.onTransfer(Lane.of(0), 3, 42, 6);
      e.onTransfer(Lane.of(3), 1, 77, 1);
      e.onMarker(Lane.of(0), 4, 43, 2, 10);
      assertEquals(Outcome.COMPLETED, e.onMarker(Lane.of(3), 2, 78, 2, 11));
      LocalSnapshot s = done.get(0);
      results.add(
          new LocalSnapshot(
              s.snapshotId(),
              s.nodeId(),
              s.requestedAtMs(),
              s.recordedAtMs(),
              s.completedAtMs(),
              new TreeMap<>(s.balances()),
              s.channels().stream()
                  .map(
                      c ->
                          new ChannelSnapshot(
                              c.from(),
                              c.to(),
                              c.firstOffset(),
                              c.markerOffset(),
                              c.seqBefore(),
                              c.count(),
                              c.sum(),
                              List.of()))
                  .toList(),
              new TreeMap<>(),
              new TreeMap<>(),
              0,
              0));
    }
    assertEquals(results.get(0), results.get(1));
    assertEquals(2, results.get(0).channels().get(0).count());
    assertEquals(10, results.get(0).channels().get(0).sum());
    assertEquals(41, results.get(0).channels().get(0).firstOffset());
  }

  @Test
  void when_many_ids_finish_then_only_the_most_recent_are_remembered() {
    SnapshotEngine e = new SnapshotEngine(0, List.of(), List.of(), ledger, outbox, false, 3);
    for (long id = 1; id <= 5; id++) {
      e.onRequest(id, 0, 0);
    }
    assertTrue(e.isFinished(5) && e.isFinished(3));
    assertTrue(!e.isFinished(2));
  }

  @Test
  void when_channels_have_two_lanes_then_markers_go_on_each_and_every_lane_must_close() {
    List<Lane> two = List.of(new Lane(0, 0), new Lane(0, 1));
    SnapshotEngine e = new SnapshotEngine(1, two, two, ledger, outbox, true);
    e.setNextOffset(new Lane(0, 1), 50);
    assertEquals(Outcome.STARTED, e.onRequest(3, 0, 0));
    assertEquals(List.of("marker 3 to 0 seq 1", "marker 3 to 0/1 seq 1"), sent);
    assertEquals(Outcome.CHANNEL_CLOSED, e.onMarker(new Lane(0, 0), 1, 10, 3, 1));
    assertEquals(Outcome.RECORDED, e.onTransfer(new Lane(0, 1), 1, 50, 7), "lane 1 is still open");
    assertEquals(
        Outcome.ACCEPTED, e.onTransfer(new Lane(0, 0), 2, 11, 9), "lane 0 closed at its marker");
    assertEquals(Outcome.COMPLETED, e.onMarker(new Lane(0, 1), 2, 51, 3, 2));
    LocalSnapshot s = done.get(0);
    assertEquals(2, s.channels().size(), "one state per lane");
    ChannelSnapshot lane1 = s.channels().get(1);
    assertEquals(
        List.of(1, 50L, 51L, 1L, 7L),
        List.of(
            lane1.lane(), lane1.firstOffset(), lane1.markerOffset(), lane1.count(), lane1.sum()));
    assertEquals(0, s.channels().get(0).count());
  }
}
