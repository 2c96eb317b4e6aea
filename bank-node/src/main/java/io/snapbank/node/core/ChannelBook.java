package io.snapbank.node.core;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-lane bookkeeping of one node, whatever snapshots are open: the sequence numbers taken on each
 * outgoing {@link Lane} and accepted on each incoming one, the offset after the last record
 * consumed per incoming lane, and the lanes a final record closed. Mutable; owned by one {@link
 * SnapshotEngine}.
 *
 * <pre>
 * lane        kept                           changed by
 * self→to     last sequence number taken     nextTransferSeq, takeMarkerSeqs, closeOutgoing
 *             closed (final record sent)     closeOutgoing
 * from→self   last sequence number accepted  receive
 *             next offset to consume         receive, skip, setNextOffset
 *             closed (final record came)     closeIncoming
 * </pre>
 *
 * A channel is closed when every one of its lanes is. Naming a lane the node does not have is an
 * {@link IllegalArgumentException}.
 */
final class ChannelBook {
  private final int nodeId;
  // in lane order, looked up by hash on every record (cheaper than ordering a lane)
  private final Set<Lane> incoming;
  private final Set<Lane> outgoing;
  private final Map<Lane, Long> outSeq = new HashMap<>();
  private final SortedMap<Lane, Long> inSeq = new TreeMap<>();
  private final SortedMap<Lane, Long> inNextOffset = new TreeMap<>();
  private final TreeSet<Lane> closedIn = new TreeSet<>();
  private final TreeSet<Lane> closedOut = new TreeSet<>();
  private final ChannelOrder order;
  private final TreeMap<Lane, TreeSet<Long>> ahead = new TreeMap<>();

  /**
   * Lanes from {@code incoming} and to {@code outgoing} (self excluded), all at zero, keeping
   * {@code order}.
   */
  ChannelBook(
      int nodeId, Collection<Lane> incoming, Collection<Lane> outgoing, ChannelOrder order) {
    this.nodeId = nodeId;
    this.order = order;
    this.incoming = othersInOrder(nodeId, incoming);
    this.outgoing = othersInOrder(nodeId, outgoing);
    for (Lane c : this.incoming) {
      inSeq.put(c, 0L);
      inNextOffset.put(c, 0L);
    }
    for (Lane c : this.outgoing) {
      outSeq.put(c, 0L);
    }
  }

  // --- incoming ---

  /**
   * Where sequence number {@code seq} stands on lane {@code from}→self: on a FIFO lane NEXT only
   * when it follows the last accepted one; on an unordered lane NEXT whenever it was not accepted
   * before (never GAP).
   */
  ChannelRule.Sequence sequence(Lane from, long seq) {
    requireIncoming(from);
    ChannelRule.Sequence s = ChannelRule.sequence(inSeq.get(from), seq);
    if (order == ChannelOrder.FIFO || s == ChannelRule.Sequence.NEXT) {
      return s;
    }
    TreeSet<Long> early = ahead.get(from);
    return s == ChannelRule.Sequence.GAP && (early == null || !early.contains(seq))
        ? ChannelRule.Sequence.NEXT
        : ChannelRule.Sequence.DUPLICATE;
  }

  /**
   * Takes the record with sequence {@code seq} at {@code offset} of lane {@code from}→self:
   * ACCEPTED when {@link #sequence} says NEXT (then consumption goes on after it), else
   * SEQUENCE_DUPLICATE or SEQUENCE_GAP and nothing changes.
   */
  Outcome receive(Lane from, long seq, long offset) {
    Outcome o =
        switch (sequence(from, seq)) {
          case NEXT -> Outcome.ACCEPTED;
          case DUPLICATE -> Outcome.SEQUENCE_DUPLICATE;
          case GAP -> Outcome.SEQUENCE_GAP;
        };
    if (o == Outcome.ACCEPTED) {
      accept(from, seq);
      inNextOffset.put(from, Math.max(inNextOffset.get(from), offset + 1));
    }
    return o;
  }

  /** Notes {@code seq} accepted on {@code from}: the last contiguous number moves up past it. */
  private void accept(Lane from, long seq) {
    if (seq != inSeq.get(from) + 1) {
      ahead.computeIfAbsent(from, k -> new TreeSet<>()).add(seq);
      return;
    }
    long last = seq;
    TreeSet<Long> early = ahead.get(from);
    while (early != null && early.remove(last + 1)) {
      last++;
    }
    if (early != null && early.isEmpty()) {
      ahead.remove(from);
    }
    inSeq.put(from, last);
  }

  /** Sets where consumption of channel {@code from}→self starts (the committed position). */
  void setNextOffset(Lane from, long offset) {
    requireIncoming(from);
    inNextOffset.put(from, offset);
  }

  /** A record at {@code offset} of channel {@code from}→self was consumed without being applied. */
  void skip(Lane from, long offset) {
    requireIncoming(from);
    inNextOffset.put(from, Math.max(inNextOffset.get(from), offset + 1));
  }

  /** Last sequence number accepted on channel {@code from}→self. */
  long lastReceivedSeq(Lane from) {
    requireIncoming(from);
    return inSeq.get(from);
  }

  /** Channel {@code from}→self had its final record: nothing more arrives on it. */
  void closeIncoming(Lane from) {
    closedIn.add(from);
  }

  /** Whether lane {@code from}→self was closed by its final record. */
  boolean closedFrom(Lane from) {
    return closedIn.contains(from);
  }

  /** Whether every lane of channel {@code from}→self was closed by its final record. */
  boolean closedFrom(int from) {
    return !closedIn.isEmpty() && Lane.allClosed(incoming, closedIn, from);
  }

  /** Whether this node sent the final record on every lane of channel self→{@code to}. */
  boolean closedTo(int to) {
    return !closedOut.isEmpty() && Lane.allClosed(outgoing, closedOut, to);
  }

  /** Whether every incoming channel was closed by its final record. */
  boolean allIncomingClosed() {
    return closedIn.containsAll(incoming);
  }

  // --- outgoing ---

  /** Takes the sequence number for a transfer about to be sent on self→{@code to}. */
  long nextTransferSeq(Lane to) {
    requireOutgoing(to);
    if (closedOut.contains(to)) {
      throw new IllegalStateException("channel " + nodeId + "->" + to.label() + " is closed");
    }
    return take(to);
  }

  /**
   * Takes a sequence number for a marker on every outgoing channel not closed: receiver → number,
   * ascending by receiver.
   */
  SortedMap<Lane, Long> takeMarkerSeqs() {
    SortedMap<Lane, Long> seqs = new TreeMap<>();
    for (Lane to : outgoing) {
      if (!closedOut.contains(to)) {
        seqs.put(to, take(to));
      }
    }
    return seqs;
  }

  /** Closes channel self→{@code to} for good: the sequence number of its final record. */
  long closeOutgoing(Lane to) {
    requireOutgoing(to);
    long seq = take(to);
    closedOut.add(to);
    return seq;
  }

  /** Whether this node sent the final record of channel self→{@code to}. */
  boolean closedTo(Lane to) {
    return closedOut.contains(to);
  }

  // --- state ---

  /** Per incoming channel, the offset after the last record consumed (a live view). */
  SortedMap<Lane, Long> nextOffsets() {
    return Collections.unmodifiableSortedMap(inNextOffset);
  }

  /** Per incoming channel, the last sequence number accepted (a live view). */
  SortedMap<Lane, Long> lastSeqs() {
    return Collections.unmodifiableSortedMap(inSeq);
  }

  /** The incoming channels closed by their final record (a live view). */
  SortedSet<Lane> closedIncoming() {
    return Collections.unmodifiableSortedSet(closedIn);
  }

  /**
   * The engine's saved state: this bookkeeping, with its {@code open} and {@code finished} ids and
   * its {@code colour} and {@code floor}.
   */
  EngineState save(
      List<EngineState.OpenSnapshotState> open, List<Long> finished, long colour, long floor) {
    return new EngineState(
        nodeId,
        new TreeMap<>(outSeq),
        new TreeMap<>(inSeq),
        new TreeMap<>(inNextOffset),
        open,
        finished,
        closedIn,
        closedOut,
        new OrderState(order, colour, floor, new TreeMap<>(ahead)));
  }

  /**
   * Takes the bookkeeping of {@code saved}: counters of channels not in it keep their values, and
   * channels the node does not have are ignored.
   */
  void restore(EngineState saved) {
    copyKnown(saved.outSeq(), outSeq);
    copyKnown(saved.inSeq(), inSeq);
    copyKnown(saved.inNextOffset(), inNextOffset);
    closedIn.clear();
    closedIn.addAll(saved.closedIn());
    closedIn.retainAll(incoming);
    closedOut.clear();
    closedOut.addAll(saved.closedOut());
    closedOut.retainAll(outgoing);
    ahead.clear();
    saved
        .order()
        .ahead()
        .forEach(
            (l, s) -> {
              if (incoming.contains(l)) {
                ahead.put(l, new TreeSet<>(s));
              }
            });
  }

  private long take(Lane to) {
    long seq = outSeq.get(to) + 1;
    outSeq.put(to, seq);
    return seq;
  }

  private void requireIncoming(Lane from) {
    if (!incoming.contains(from)) {
      throw new IllegalArgumentException(
          "node " + nodeId + " has no channel lane from " + from.label());
    }
  }

  private void requireOutgoing(Lane to) {
    if (!outgoing.contains(to)) {
      throw new IllegalArgumentException(
          "node " + nodeId + " has no channel lane to " + to.label());
    }
  }

  /** {@code lanes} without those of {@code nodeId}, iterated in lane order. */
  private static Set<Lane> othersInOrder(int nodeId, Collection<Lane> lanes) {
    Set<Lane> out = new LinkedHashSet<>();
    for (Lane l : new TreeSet<>(lanes)) {
      if (l.node() != nodeId) {
        out.add(l);
      }
    }
    return out;
  }

  private static void copyKnown(Map<Lane, Long> from, Map<Lane, Long> into) {
    for (Map.Entry<Lane, Long> e : from.entrySet()) {
      if (into.containsKey(e.getKey())) {
        into.put(e.getKey(), e.getValue());
      }
    }
  }
}
