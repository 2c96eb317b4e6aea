package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A node rolled back to a cut ({@link NodeCore#onRestore}), without Kafka. */
class NodeCoreRestoreTest {
  private final RecordingOutput out = new RecordingOutput();

  /** Node 1 of a bank of 2 (channel 0→1 in, 1→0 out), accounts n1-a0 (100) and n1-a1 (50). */
  private NodeCore node() {
    NodeTopology t = NodeTopology.complete(1, 2);
    return new NodeCore(
        t, NodeState.initial(t, new TreeMap<>(Map.of("n1-a0", 100L, "n1-a1", 50L))), out);
  }

  private static ChannelMessage transfer(long seq, String id, String to, long amount, long epoch) {
    return new ChannelMessage(
        0, 1, seq, new ChannelMessage.Transfer(id, "n0-a0", to, amount, 0), epoch);
  }

  /** The channel 0→1 log: offsets 0..3, the last a marker. */
  private static final TreeMap<Long, ChannelMessage> LOG =
      new TreeMap<>(
          Map.of(
              0L, transfer(1, "t1", "n1-a0", 7, 0),
              1L, transfer(2, "t2", "n1-a1", 3, 0),
              2L, transfer(3, "t3", "n1-a0", 5, 0),
              3L, new ChannelMessage(0, 1, 4, new ChannelMessage.Marker(9), 0)));

  /** Reads ranges from {@link #LOG}. */
  private static final RangeSource SOURCE =
      (range, sink) -> {
        LOG.subMap(range.firstOffset(), range.markerOffset()).forEach(sink::record);
        return Optional.empty();
      };

  /** A cut of snapshot 9 with balances 80 + 40 and channel 0→1's offsets [1, 3) in flight. */
  private static RestorePlan plan(long count, long sum) {
    return new RestorePlan(
        5,
        9,
        ChannelRule.Epochs.GENESIS,
        new TreeMap<>(Map.of("n1-a0", 80L, "n1-a1", 40L)),
        List.of(new ChannelRange(0, 1, 1, 3, 1, count, sum)));
  }

  @Test
  void when_the_replay_matches_the_cut_then_balances_are_the_cut_plus_the_in_flight_transfers() {
    NodeCore n = node();
    n.transfer(new TransferOrder("n1-a0", 0, "n0-a0", 10), 1);
    RestoreResult r = n.onRestore(plan(2, 8), SOURCE);
    assertEquals(RestoreResult.Outcome.APPLIED, r.outcome(), r.detail());
    assertEquals(2, r.replayedCount());
    assertEquals(8, r.replayedSum());
    assertEquals(85, n.balance("n1-a0"));
    assertEquals(43, n.balance("n1-a1"));
    assertEquals(new ChannelRule.Epochs(5, 5), n.epochs());
    assertEquals(new ChannelCounters(0, 0), n.state().sentTo(0), "counters restart");
    assertEquals(1, n.state().lastTransferId(), "transfer ids go on from the old timeline's");
    assertEquals(Map.of("n1-a0", 85L, "n1-a1", 43L), out.balances);
  }

  @Test
  void when_the_replay_differs_from_the_recorded_count_or_sum_then_nothing_changes() {
    for (RestorePlan p : List.of(plan(3, 8), plan(2, 9))) {
      NodeCore n = node();
      NodeState before = n.state();
      RestoreResult r = n.onRestore(p, SOURCE);
      assertEquals(RestoreResult.Outcome.REFUSED, r.outcome());
      assertTrue(r.detail().startsWith("channel 0->1: replayed 2 transfers summing 8"), r.detail());
      assertEquals(before, n.state(), "the refused restore changed nothing");
    }
  }

  @Test
  void when_the_log_no_longer_holds_a_range_then_the_restore_is_refused_with_the_reason() {
    NodeCore n = node();
    RestoreResult r =
        n.onRestore(plan(2, 8), (range, sink) -> Optional.of("offsets before 2 were deleted"));
    assertEquals(RestoreResult.Outcome.REFUSED, r.outcome());
    assertEquals("channel 0->1: offsets before 2 were deleted", r.detail());
    assertEquals(100, n.balance("n1-a0"));
  }

  @Test
  void when_the_cut_records_other_accounts_then_the_restore_is_refused() {
    NodeCore n = node();
    RestorePlan other =
        new RestorePlan(
            5, 9, ChannelRule.Epochs.GENESIS, new TreeMap<>(Map.of("n1-a0", 120L)), List.of());
    assertEquals(RestoreResult.Outcome.REFUSED, n.onRestore(other, SOURCE).outcome());
  }

  @Test
  void when_a_record_of_the_old_timeline_arrives_after_the_restore_then_it_is_superseded() {
    NodeCore n = node();
    n.onRestore(plan(2, 8), SOURCE);
    out.balances.clear();
    assertEquals(
        Handled.SUPERSEDED, n.onChannelRecord(Lane.of(0), 10, transfer(4, "t4", "n1-a0", 9, 0), 2));
    assertEquals(85, n.balance("n1-a0"));
    assertEquals(Map.of(), out.balances);
    assertEquals(
        Handled.CREDITED, n.onChannelRecord(Lane.of(0), 11, transfer(1, "t5", "n1-a0", 9, 5), 3));
    assertEquals(94, n.balance("n1-a0"));
  }

  @Test
  void when_a_restore_of_an_epoch_already_applied_comes_again_then_nothing_changes() {
    NodeCore n = node();
    n.onRestore(plan(2, 8), SOURCE);
    NodeState after = n.state();
    assertEquals(RestoreResult.Outcome.ALREADY_APPLIED, n.onRestore(plan(2, 8), SOURCE).outcome());
    assertEquals(after, n.state());
  }
}
