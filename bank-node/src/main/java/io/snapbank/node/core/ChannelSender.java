package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sending side of one node's channels in one epoch: every record the node writes on a channel
 * self→{@code to}, numbered by its {@link SnapshotEngine} and stamped with the epoch, and the count
 * and sum of the transfers sent per channel. Mutable; owned by one {@link NodeCore}, which makes a
 * new one whenever it loads a state.
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

  /** Sends {@code order}'s transfer (already debited) on its channel, with a new transfer id. */
  void send(TransferOrder order, long nowMs) {
    String id = topology.nodeId() + "-" + (++lastTransferId);
    long seq = engine.nextTransferSeq(order.toNode());
    write(
        order.toNode(),
        seq,
        new ChannelMessage.Transfer(
            id, order.fromAccount(), order.toAccount(), order.amount(), nowMs));
    sent.put(order.toNode(), sentTo(order.toNode()).plus(order.amount()));
  }

  /** Sends the engine's marker of {@code snapshotId} on self→{@code to}, numbered {@code seq}. */
  void sendMarker(int to, long seq, long snapshotId) {
    write(to, seq, new ChannelMessage.Marker(snapshotId));
  }

  /** Sends the final record of channel self→{@code to}. */
  void close(int to) {
    write(to, engine.closeOutgoing(to), new ChannelMessage.Final());
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

  private void write(int to, long seq, ChannelMessage.Body body) {
    out.send(to, new ChannelMessage(topology.nodeId(), to, seq, body, epoch));
  }
}
