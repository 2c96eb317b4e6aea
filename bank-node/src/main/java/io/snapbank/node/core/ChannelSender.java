package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sending side of one node's channels in one epoch: every record the node writes on a lane of a
 * channel self→{@code to}, numbered by its {@link SnapshotEngine} and stamped with the epoch, and
 * the count and sum of the transfers sent per channel. Mutable; owned by one {@link NodeCore},
 * which makes a new one whenever it loads a state.
 *
 * <pre>
 * record    sent by                 sequence number from           also
 * transfer  send, drain             engine.nextTransferSeq         new transfer id, sent[to] +1
 * marker    sendMarker (engine)     the engine, before the call    -
 * final     close, drain            engine.closeOutgoing           the channel takes nothing more
 * </pre>
 */
final class ChannelSender {
  private final NodeTopology topology;
  private final long epoch;
  private final NodeOutput out;
  private final SnapshotEngine engine;
  private final TreeMap<Integer, ChannelCounters> sent;
  private long lastTransferId;

  /**
   * @param sent per outgoing channel, the transfers sent on it so far
   * @param lastTransferId the number in the id of the last transfer the node sent
   */
  ChannelSender(
      NodeTopology topology,
      long epoch,
      NodeOutput out,
      SnapshotEngine engine,
      SortedMap<Integer, ChannelCounters> sent,
      long lastTransferId) {
    this.topology = topology;
    this.epoch = epoch;
    this.out = out;
    this.engine = engine;
    this.sent = new TreeMap<>(sent);
    this.lastTransferId = lastTransferId;
  }

  /** Per outgoing channel (by receiver), the transfers sent on it (a live view). */
  SortedMap<Integer, ChannelCounters> sent() {
    return Collections.unmodifiableSortedMap(sent);
  }

  /** The number in the id of the last transfer sent. */
  long lastTransferId() {
    return lastTransferId;
  }

  /** Whether the node has a channel to {@code to} that takes transfers. */
  boolean canSend(int to) {
    return topology.outgoing().contains(to) && !engine.closedTo(to);
  }

  /**
   * Sends {@code order}'s transfer (already debited) on its channel, with a new transfer id: in a
   * FIFO bank on the lane of its source account ({@link #laneOf}), so one account's transfers keep
   * their order; with unordered channels on the lanes in turn.
   */
  void send(TransferOrder order, long nowMs) {
    String id = topology.nodeId() + "-" + (++lastTransferId);
    int index =
        topology.order() == ChannelOrder.FIFO
            ? laneOf(order.fromAccount(), topology.lanes())
            : (int) Math.floorMod(lastTransferId, (long) topology.lanes());
    Lane lane = new Lane(order.toNode(), index);
    long seq = engine.nextTransferSeq(lane);
    write(
        lane,
        seq,
        new ChannelMessage.Transfer(
            id, order.fromAccount(), order.toAccount(), order.amount(), nowMs));
    sent.put(order.toNode(), sentTo(order.toNode()).plus(order.amount()));
  }

  /** The lane of a channel with {@code lanes} lanes that carries {@code account}'s transfers. */
  static int laneOf(String account, int lanes) {
    return Math.floorMod(account.hashCode(), lanes);
  }

  /**
   * Sends the engine's marker of {@code snapshotId} on lane self→{@code to}, numbered {@code seq},
   * saying the node had sent {@code sentBefore} on the channel when it recorded.
   */
  void sendMarker(Lane to, long seq, long snapshotId, ChannelCounters sentBefore) {
    write(to, seq, new ChannelMessage.Marker(snapshotId, sentBefore));
  }

  /** Sends the final record on every lane of channel self→{@code to} not closed yet. */
  void close(int to) {
    for (Lane lane : topology.lanesOf(to)) {
      if (!engine.closedTo(lane)) {
        write(lane, engine.closeOutgoing(lane), new ChannelMessage.Final(sentTo(to)));
      }
    }
  }

  /**
   * A leaving node drains: every positive balance in {@code ledger} is debited and sent to the
   * {@code heirs} ({@link Rewiring#drain}), then every outgoing channel still open is closed.
   */
  void drain(Ledger ledger, List<AccountRef> heirs, long nowMs) {
    for (TransferOrder o : Rewiring.drain(ledger.capture(), heirs)) {
      ledger.debit(o.fromAccount(), o.amount());
      out.balanceChanged(o.fromAccount(), 0);
      send(o, nowMs);
    }
    for (int to : topology.outgoing()) {
      if (!engine.closedTo(to)) {
        close(to);
      }
    }
  }

  private ChannelCounters sentTo(int to) {
    return sent.getOrDefault(to, ChannelCounters.ZERO);
  }

  private void write(Lane to, long seq, ChannelMessage.Body body) {
    out.send(
        to.node(),
        new ChannelMessage(
            topology.nodeId(), to.node(), seq, body, epoch, to.index(), engine.colour()));
  }
}
