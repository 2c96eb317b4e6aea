package io.snapbank.node.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.NodeOutput;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.core.SnapshotCall;
import io.snapbank.node.core.TransferOrder;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.serde.SnapbankSerdes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {
  private static final NodeOutput IGNORE =
      new NodeOutput() {
        @Override
        public void send(int to, ChannelMessage message) {}

        @Override
        public void snapshotCompleted(io.snapbank.node.core.LocalSnapshot snapshot) {}

        @Override
        public void balanceChanged(String account, long balance) {}

        @Override
        public void quarantine(io.snapbank.node.core.QuarantineReason reason, String detail) {}

        @Override
        public void halt(String reason) {}
      };

  @Test
  void when_a_state_is_encoded_and_decoded_then_it_is_equal() {
    NodeTopology t = NodeTopology.complete(0, 3);
    NodeCore core =
        new NodeCore(t, NodeState.initial(t, new TreeMap<>(Map.of("n0-a0", 100L))), IGNORE);
    core.transfer(new TransferOrder("n0-a0", 1, "n1-a0", 10), 1);
    core.onChannelRecord(
        Lane.of(2),
        5,
        new ChannelMessage(2, 0, 1, new ChannelMessage.Transfer("2-1", "n2-a0", "n0-a0", 4, 1)),
        1);
    core.onSnapshotRequest(SnapshotCall.anyEpoch(7, List.of(), 1), 2);
    NodeState state = core.state();
    SnapbankSerdes serdes = SnapbankSerdes.create();
    byte[] bytes = serdes.nodeCheckpoint().encode(CheckpointCodec.encode(state, 3, 9));
    assertEquals(state, CheckpointCodec.decode(serdes.nodeCheckpoint().decode(bytes)));
  }

  @Test
  void when_a_checkpoint_predates_channel_counters_then_its_transfer_id_counter_is_kept() {
    NodeCheckpoint old =
        NodeCheckpoint.newBuilder()
            .setNodeId(0)
            .setTransaction(4)
            .setBalances(List.of(new AccountBalance("n0-a0", 90L)))
            .setOutSeq(Map.of("1", 3L))
            .setInSeq(Map.of("1", 2L))
            .setInNextOffset(Map.of("1", 8L))
            .setOpenSnapshots(List.of())
            .setFinishedSnapshots(List.of(1L))
            .setCounters(Map.of("transferId", 12L, "sent", 12L))
            .setWrittenAtMs(5L)
            .build();
    NodeState s = CheckpointCodec.decode(old);
    assertEquals(12, s.lastTransferId());
    assertEquals(90, s.total());
    assertEquals(Map.of(), s.sent());
  }
}
