package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Node 1 of a bank of nodes 0, 1 and 2 as members join and leave. */
class NodeCoreMembershipTest {
  private final RecordingOutput out = new RecordingOutput();

  private NodeCore node() {
    NodeTopology t = NodeTopology.complete(1, 3);
    return new NodeCore(
        t, NodeState.initial(t, new TreeMap<>(Map.of("n1-a0", 100L, "n1-a1", 50L))), out);
  }

  private static ChannelMessage fin(int from, long seq, long epoch) {
    return new ChannelMessage(from, 1, seq, new ChannelMessage.Final(), epoch);
  }

  private static final List<AccountRef> HEIRS =
      List.of(new AccountRef(0, "n0-a0"), new AccountRef(2, "n2-a0"));

  @Test
  void when_a_request_names_a_later_epoch_then_it_waits_and_one_of_an_earlier_epoch_is_ignored() {
    NodeCore n = node();
    assertEquals(Handled.WAITING, n.onSnapshotRequest(new SnapshotCall(5, List.of(), 1, 0), 0));
    assertEquals(List.of(), out.sent, "nothing recorded before the node reaches epoch 1");
    assertEquals(EpochResult.APPLIED, n.onMembership(new MembershipChange.Joined(1, 3), 0));
    assertEquals(
        Handled.REQUEST_IGNORED, n.onSnapshotRequest(new SnapshotCall(4, List.of(), 0, 0), 0));
    assertEquals(
        Handled.REQUEST_APPLIED, n.onSnapshotRequest(new SnapshotCall(5, List.of(), 1, 0), 0));
    assertEquals(List.of("marker to 0 seq 1", "marker to 2 seq 1", "marker to 3 seq 1"), out.sent);
    assertTrue(out.messages.stream().allMatch(m -> m.epoch() == 1));
  }

  @Test
  void when_a_node_joins_then_its_channels_open_and_recordings_of_the_old_epoch_end() {
    NodeCore n = node();
    n.onSnapshotRequest(SnapshotCall.anyEpoch(7, List.of(), 0), 0);
    assertEquals(List.of(7L), List.copyOf(n.openSnapshots()));
    n.onMembership(new MembershipChange.Joined(1, 3), 0);
    assertEquals(List.of(), List.copyOf(n.openSnapshots()), "the epoch change ends snapshot 7");
    assertTrue(n.topology().incoming().contains(3));
    assertEquals(TransferResult.SENT, n.transfer(new TransferOrder("n1-a0", 3, "n3-a0", 10), 1));
    assertEquals(1, n.state().epoch());
  }

  @Test
  void when_a_member_leaves_then_its_channel_gets_a_final_record_and_nothing_more_goes_to_it() {
    NodeCore n = node();
    n.onMembership(new MembershipChange.Leaving(1, 2, List.of(new AccountRef(0, "n0-a0"))), 0);
    ChannelMessage last = out.messages.get(out.messages.size() - 1);
    assertInstanceOf(ChannelMessage.Final.class, last.body());
    assertEquals(2, last.receiver());
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n1-a0", 2, "n2-a0", 10), 1));
    assertEquals(TransferResult.SENT, n.transfer(new TransferOrder("n1-a0", 0, "n0-a0", 10), 1));
    assertEquals(NodeMode.ACTIVE, n.mode());
  }

  @Test
  void when_every_channel_into_a_leaving_node_is_closed_then_it_drains_to_its_heirs_and_closes() {
    NodeCore n = node();
    n.onMembership(new MembershipChange.Leaving(1, 1, HEIRS), 0);
    assertEquals(NodeMode.LEAVING, n.mode());
    assertEquals(TransferResult.INVALID, n.transfer(new TransferOrder("n1-a0", 0, "n0-a0", 10), 1));
    assertEquals(Handled.CHANNEL_CLOSED, n.onChannelRecord(Lane.of(0), 0, fin(0, 1, 1), 2));
    assertEquals(NodeMode.LEAVING, n.mode(), "channel 2->1 may still bring money");
    assertEquals(List.of(), out.messages);
    assertEquals(Handled.CHANNEL_CLOSED, n.onChannelRecord(Lane.of(2), 0, fin(2, 1, 1), 3));
    assertEquals(NodeMode.DRAINED, n.mode());
    assertEquals(0, n.total());
    List<String> sent = new java.util.ArrayList<>();
    for (ChannelMessage m : out.messages) {
      sent.add(
          m.receiver()
              + ":"
              + (m.body() instanceof ChannelMessage.Transfer t
                  ? t.fromAccount() + "->" + t.toAccount() + " " + t.amount()
                  : m.body().getClass().getSimpleName()));
    }
    assertEquals(List.of("0:n1-a0->n0-a0 100", "2:n1-a1->n2-a0 50", "0:Final", "2:Final"), sent);
  }

  @Test
  void when_a_record_comes_after_its_channels_final_then_it_is_quarantined() {
    NodeCore n = node();
    n.onMembership(new MembershipChange.Leaving(1, 1, HEIRS), 0);
    n.onChannelRecord(Lane.of(0), 0, fin(0, 1, 1), 2);
    ChannelMessage late =
        new ChannelMessage(0, 1, 2, new ChannelMessage.Transfer("0-9", "n0-a0", "n1-a0", 5, 0), 1);
    assertEquals(Handled.QUARANTINED, n.onChannelRecord(Lane.of(0), 1, late, 3));
    assertEquals(List.of(QuarantineReason.CLOSED_CHANNEL), out.quarantined);
    assertEquals(100, n.balance("n1-a0"), "nothing is credited after the final record");
  }

  @Test
  void when_left_after_the_final_then_the_member_drops_both_channels_and_the_node_is_gone() {
    NodeCore member = node();
    member.onMembership(new MembershipChange.Leaving(1, 2, HEIRS), 0);
    member.onChannelRecord(Lane.of(2), 0, fin(2, 1, 1), 1);
    assertEquals(EpochResult.APPLIED, member.onMembership(new MembershipChange.Left(2, 2), 2));
    assertEquals(List.of(0), List.copyOf(member.topology().incoming()));
    assertEquals(List.of(0), List.copyOf(member.topology().outgoing()));
    assertFalse(member.state().engine().inSeq().containsKey(Lane.of(2)));

    NodeCore leaver = new NodeCore(NodeTopology.complete(2, 3), initial(2), new RecordingOutput());
    leaver.onMembership(new MembershipChange.Leaving(1, 2, HEIRS), 0);
    assertEquals(EpochResult.GONE, leaver.onMembership(new MembershipChange.Left(2, 2), 1));
    assertEquals(NodeMode.GONE, leaver.mode());
  }

  @Test
  void when_a_change_is_applied_again_then_nothing_changes() {
    NodeCore n = node();
    n.onMembership(new MembershipChange.Leaving(1, 2, HEIRS), 0);
    int sent = out.messages.size();
    assertEquals(
        EpochResult.ALREADY_APPLIED, n.onMembership(new MembershipChange.Leaving(1, 2, HEIRS), 0));
    assertEquals(sent, out.messages.size(), "no second final record");
  }

  private static NodeState initial(int id) {
    return NodeState.initial(
        NodeTopology.complete(id, 3), new TreeMap<>(Map.of("n" + id + "-a0", 10L)));
  }
}
