package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recorded range judged as the receiver judged it. */
class ChannelReplayTest {
  private static ChannelMessage t(long seq, long amount) {
    return new ChannelMessage(
        0, 1, seq, new ChannelMessage.Transfer("0-" + seq, "n0-a0", "n1-a0", amount, 0));
  }

  private static ChannelReplay replay(long seqBefore, List<ChannelReplay.Accepted> into) {
    return new ChannelReplay(
        Lane.of(0), 1, seqBefore, a -> a.startsWith("n1-"), ChannelRule.Epochs.GENESIS, into::add);
  }

  @Test
  void when_a_range_holds_replayed_duplicates_then_only_the_first_deliveries_count() {
    List<ChannelReplay.Accepted> got = new ArrayList<>();
    ChannelReplay r = replay(4, got);
    r.offer(10, t(3, 7)); // a duplicate of a record accepted before the range
    r.offer(11, t(5, 10));
    r.offer(12, t(5, 10)); // a duplicate inside the range
    r.undecodable();
    r.offer(14, new ChannelMessage(0, 1, 6, new ChannelMessage.Marker(1)));
    r.offer(15, t(7, 3));
    assertEquals(2, r.count());
    assertEquals(13, r.sum());
    assertEquals(List.of(11L, 15L), got.stream().map(ChannelReplay.Accepted::offset).toList());
    assertEquals(3, r.setAside());
    assertTrue(r.problems().isEmpty());
  }

  @Test
  void when_the_range_skips_a_sequence_number_then_the_replay_names_the_gap() {
    ChannelReplay r = replay(0, new ArrayList<>());
    r.offer(0, t(1, 5));
    r.offer(1, t(3, 5));
    assertEquals(1, r.count());
    assertTrue(r.problems().get(0).contains("expected seq 2, got 3"), r.problems().toString());
  }

  @Test
  void
      when_the_report_predates_sequence_numbers_in_ranges_then_the_first_record_sets_the_baseline() {
    ChannelReplay r = replay(-1, new ArrayList<>());
    r.offer(0, t(40, 5));
    r.offer(1, t(40, 5));
    r.offer(2, t(41, 6));
    assertEquals(2, r.count());
    assertEquals(11, r.sum());
  }

  @Test
  void when_records_name_other_accounts_or_nodes_then_they_are_not_in_flight() {
    ChannelReplay r = replay(0, new ArrayList<>());
    r.offer(0, new ChannelMessage(0, 1, 1, new ChannelMessage.Transfer("x", "a", "n2-a0", 5, 0)));
    r.offer(1, new ChannelMessage(2, 1, 1, new ChannelMessage.Transfer("y", "a", "n1-a0", 5, 0)));
    r.offer(2, t(1, 4));
    assertEquals(1, r.count());
    assertEquals(4, r.sum());
  }
}
