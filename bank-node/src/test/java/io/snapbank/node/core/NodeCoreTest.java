package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The node's protocol, input by input, without Kafka: one test per row of NodeCore's table. */
class NodeCoreTest {
  private final RecordingOutput out = new RecordingOutput();

  /** Node 1 of a complete bank of 3, accounts n1-a0 (100) and n1-a1 (50). */
  private NodeCore node() {
    NodeTopology t = NodeTopology.complete(1, 3);
    return new NodeCore(
        t, NodeState.initial(t, new TreeMap<>(Map.of("n1-a0", 100L, "n1-a1", 50L))), out);
  }

  private static ChannelMessage transfer(int from, int to, long seq, String account, long amount) {
    return new ChannelMessage(
        from,
        to,
        seq,
        new ChannelMessage.Transfer(from + "-" + seq, "n" + from + "-a0", account, amount, 7));
  }

  @Test
  void when_a_valid_transfer_arrives_then_it_is_credited_counted_and_the_balance_reported() {
    NodeCore n = node();
    assertEquals(
        Handled.CREDITED, n.onChannelRecord(Lane.of(0), 10, transfer(0, 1, 1, "n1-a0", 5), 20));
    assertEquals(105, n.balance("n1-a0"));
    assertEquals(Map.of("n1-a0", 105L), out.balances);
    assertEquals(new ChannelCounters(1, 5), n.state().receivedFrom(0));
    assertEquals(11, n.state().engine().inNextOffset().get(Lane.of(0)));
  }

  @Test
  void when_records_are_bad_then_each_is_quarantined_with_its_reason_and_nothing_is_credited() {
    NodeCore n = node();
    n.onChannelRecord(Lane.of(0), 0, transfer(0, 1, 1, "n1-a0", 50), 0);
    out.balances.clear();
    assertEquals(Handled.QUARANTINED, n.onUnreadableChannelRecord(Lane.of(0), 1, "not avro"));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 2, transfer(0, 1, 1, "n1-a0", 50), 0));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 3, transfer(0, 1, 2, "n1-a0", -5), 0));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 4, transfer(0, 1, 2, "n1-a0", 0), 0));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 5, transfer(0, 1, 2, "n2-a0", 10), 0));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 6, transfer(2, 1, 2, "n1-a0", 10), 0));
    assertEquals(
        Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 7, transfer(0, 2, 2, "n1-a0", 10), 0));
    assertEquals(
        List.of(
            QuarantineReason.UNDECODABLE,
            QuarantineReason.DUPLICATE_SEQUENCE,
            QuarantineReason.NON_POSITIVE_AMOUNT,
            QuarantineReason.NON_POSITIVE_AMOUNT,
            QuarantineReason.UNKNOWN_ACCOUNT,
            QuarantineReason.WRONG_SENDER,
            QuarantineReason.WRONG_RECEIVER),
        out.quarantined);
    assertTrue(out.details.stream().noneMatch(String::isEmpty), "every reason has a detail");
    assertEquals(Map.of(), out.balances, "nothing was credited");
    assertEquals(200, n.total(), "only the first, valid transfer of 50 was credited");
    assertEquals(
        8, n.state().engine().inNextOffset().get(Lane.of(0)), "set-aside records are consumed");
    assertEquals(
        Handled.CREDITED, n.onChannelRecord(Lane.of(0), 8, transfer(0, 1, 2, "n1-a1", 7), 0));
    assertEquals(57, n.balance("n1-a1"));
  }

  @Test
  void when_a_sequence_number_skips_ahead_then_the_core_halts_and_takes_no_more_input() {
    NodeCore n = node();
    n.onChannelRecord(Lane.of(0), 0, transfer(0, 1, 1, "n1-a0", 5), 0);
    assertEquals(
        Handled.HALTED, n.onChannelRecord(Lane.of(0), 1, transfer(0, 1, 3, "n1-a0", 5), 0));
    assertEquals(List.of(QuarantineReason.SEQUENCE_GAP), out.quarantined);
    assertTrue(
        out.halts.get(0).contains("FIFO violation on channel 0->1")
            && out.halts.get(0).contains("expected seq 2, got 3"),
        out.halts.toString());
    assertEquals(105, n.balance("n1-a0"), "the gap record was not credited");
    assertEquals(
        1, n.state().engine().inNextOffset().get(Lane.of(0)), "the gap record is not consumed");
    assertThrows(IllegalStateException.class, () -> n.onSnapshotAbort(1));
  }

  @Test
  void when_a_request_names_other_nodes_then_it_is_ignored() {
    NodeCore n = node();
    assertEquals(
        Handled.REQUEST_IGNORED,
        n.onSnapshotRequest(SnapshotCall.anyEpoch(5, List.of(0, 2), 1), 2));
    assertEquals(List.of(), out.sent);
  }

  @Test
  void when_requested_then_markers_go_out_and_the_snapshot_completes_with_its_counters() {
    NodeCore n = node();
    n.transfer(new TransferOrder("n1-a0", 0, "n0-a0", 30), 1);
    n.onChannelRecord(Lane.of(2), 0, transfer(2, 1, 1, "n1-a1", 4), 2);
    assertEquals(
        Handled.REQUEST_APPLIED, n.onSnapshotRequest(SnapshotCall.anyEpoch(5, List.of(), 1), 3));
    assertEquals(
        List.of("transfer to 0 seq 1", "marker to 0 seq 2", "marker to 2 seq 1"), out.sent);
    assertEquals(
        Handled.CREDITED, n.onChannelRecord(Lane.of(0), 0, transfer(0, 1, 1, "n1-a0", 9), 4));
    ChannelMessage m0 = new ChannelMessage(0, 1, 2, new ChannelMessage.Marker(5));
    ChannelMessage m2 = new ChannelMessage(2, 1, 2, new ChannelMessage.Marker(5));
    assertEquals(Handled.MARKER_APPLIED, n.onChannelRecord(Lane.of(0), 1, m0, 5));
    assertEquals(Handled.MARKER_APPLIED, n.onChannelRecord(Lane.of(2), 1, m2, 6));
    assertEquals(
        Handled.MARKER_IGNORED,
        n.onChannelRecord(
            Lane.of(2), 2, new ChannelMessage(2, 1, 3, new ChannelMessage.Marker(5)), 6));
    LocalSnapshot s = out.completed.get(0);
    assertEquals(Map.of("n1-a0", 70L, "n1-a1", 54L), s.balances());
    assertEquals(
        Map.of(0, new ChannelCounters(1, 30), 2, new ChannelCounters(0, 0)),
        s.sent(),
        "every outgoing channel is counted, zero where nothing went");
    assertEquals(Map.of(0, new ChannelCounters(0, 0), 2, new ChannelCounters(1, 4)), s.received());
    assertEquals(1, s.channels().get(0).count(), "the transfer from 0 was in flight");
    assertEquals(9, s.channels().get(0).sum());
    assertEquals(0, s.channels().get(0).seqBefore());
    assertEquals(0, s.channels().get(1).count());
    assertEquals(1, s.channels().get(1).seqBefore());
  }

  @Test
  void when_a_recording_starts_after_a_set_aside_record_then_its_range_starts_after_it() {
    NodeCore n = node();
    n.onChannelRecord(Lane.of(0), 0, transfer(0, 1, 1, "n1-a0", 5), 0);
    n.onChannelRecord(Lane.of(0), 1, transfer(0, 1, 1, "n1-a0", 5), 0); // a replayed duplicate
    n.onSnapshotRequest(SnapshotCall.anyEpoch(9, List.of(1), 0), 0);
    n.onChannelRecord(Lane.of(0), 2, new ChannelMessage(0, 1, 2, new ChannelMessage.Marker(9)), 0);
    n.onChannelRecord(Lane.of(2), 0, new ChannelMessage(2, 1, 1, new ChannelMessage.Marker(9)), 0);
    ChannelSnapshot c = out.completed.get(0).channels().get(0);
    assertEquals(2, c.firstOffset());
    assertEquals(1, c.seqBefore());
  }

  @Test
  void when_transfer_orders_come_then_remote_local_and_refused_ones_are_told_apart() {
    NodeCore n = node();
    assertEquals(TransferResult.SENT, n.transfer(new TransferOrder("n1-a0", 2, "n2-a0", 10), 1));
    assertEquals(TransferResult.LOCAL, n.transfer(new TransferOrder("n1-a0", 1, "n1-a1", 10), 1));
    assertEquals(
        TransferResult.INSUFFICIENT_FUNDS,
        n.transfer(new TransferOrder("n1-a1", 0, "n0-a0", 61), 1));
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n1-a0", 1, "n1-a0", 1), 1));
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n0-a0", 2, "n2-a0", 1), 1));
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n1-a0", 1, "x", 1), 1));
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n1-a0", 0, "n0-a0", 0), 1));
    assertEquals(Map.of("n1-a0", 80L, "n1-a1", 60L), out.balances);
    assertEquals(List.of("transfer to 2 seq 1"), out.sent);
    ChannelMessage.Transfer t = (ChannelMessage.Transfer) out.messages.get(0).body();
    assertEquals("1-1", t.transferId());
    assertEquals(new ChannelCounters(1, 10), n.state().sentTo(2));
    assertEquals(1, n.state().lastTransferId());
  }

  @Test
  void when_a_core_resumes_from_its_state_then_it_continues_where_it_left_off() {
    NodeCore a = node();
    a.transfer(new TransferOrder("n1-a0", 2, "n2-a0", 10), 1);
    a.onChannelRecord(Lane.of(0), 3, transfer(0, 1, 1, "n1-a0", 5), 1);
    a.onSnapshotRequest(SnapshotCall.anyEpoch(4, List.of(), 1), 1);
    NodeCore b = new NodeCore(a.topology(), a.state(), out);
    assertEquals(a.state(), b.state());
    b.transfer(new TransferOrder("n1-a0", 2, "n2-a0", 1), 2);
    assertEquals(
        "1-2",
        ((ChannelMessage.Transfer) out.messages.get(out.messages.size() - 1).body()).transferId());
    assertEquals(
        Handled.QUARANTINED, b.onChannelRecord(Lane.of(0), 4, transfer(0, 1, 1, "n1-a0", 5), 2));
  }
}
