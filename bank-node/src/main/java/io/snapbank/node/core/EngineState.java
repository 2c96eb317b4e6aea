package io.snapbank.node.core;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Everything a {@link SnapshotEngine} needs to continue after a restart: sequence counters, the
 * offset after the last record consumed per incoming channel, open snapshots, remembered finished
 * ids, and the channels a final record closed ({@code closedIn}: from these senders nothing more
 * arrives; {@code closedOut}: to these receivers nothing more is sent). Collected messages are not
 * part of it. The keys of {@code inSeq} and {@code outSeq} are the node's channels; {@code order}
 * is what a bank of unordered channels adds.
 */
public record EngineState(
    int nodeId,
    SortedMap<Lane, Long> outSeq,
    SortedMap<Lane, Long> inSeq,
    SortedMap<Lane, Long> inNextOffset,
    List<OpenSnapshotState> open,
    List<Long> finished,
    SortedSet<Lane> closedIn,
    SortedSet<Lane> closedOut,
    OrderState order) {

  /** A state of a FIFO bank. */
  public EngineState(
      int nodeId,
      SortedMap<Lane, Long> outSeq,
      SortedMap<Lane, Long> inSeq,
      SortedMap<Lane, Long> inNextOffset,
      List<OpenSnapshotState> open,
      List<Long> finished,
      SortedSet<Lane> closedIn,
      SortedSet<Lane> closedOut) {
    this(nodeId, outSeq, inSeq, inNextOffset, open, finished, closedIn, closedOut, OrderState.FIFO);
  }

  /** A state without closed channels. */
  public EngineState(
      int nodeId,
      SortedMap<Lane, Long> outSeq,
      SortedMap<Lane, Long> inSeq,
      SortedMap<Lane, Long> inNextOffset,
      List<OpenSnapshotState> open,
      List<Long> finished) {
    this(nodeId, outSeq, inSeq, inNextOffset, open, finished, new TreeSet<>(), new TreeSet<>());
  }

  public EngineState {
    closedIn = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(closedIn));
    closedOut = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(closedOut));
  }

  /**
   * The same state for a node whose lanes are now from {@code incoming} and to {@code outgoing}:
   * new lanes start at zero (a new partition), dropped ones are forgotten.
   */
  public EngineState withChannels(SortedSet<Lane> incoming, SortedSet<Lane> outgoing) {
    return new EngineState(
        nodeId,
        restrict(outSeq, outgoing),
        restrict(inSeq, incoming),
        restrict(inNextOffset, incoming),
        open,
        finished,
        closedIn,
        closedOut,
        order.restrictedTo(incoming));
  }

  /** Whether the final record came on every lane of channel {@code from}→self. */
  public boolean closedFrom(int from) {
    return Lane.allClosed(inSeq.keySet(), closedIn, from);
  }

  private static SortedMap<Lane, Long> restrict(SortedMap<Lane, Long> m, SortedSet<Lane> keys) {
    java.util.TreeMap<Lane, Long> out = new java.util.TreeMap<>();
    keys.forEach(k -> out.put(k, m.getOrDefault(k, 0L)));
    return out;
  }

  /** A snapshot recording on this node, with the node's counters at the recording moment. */
  public record OpenSnapshotState(
      long snapshotId,
      long requestedAtMs,
      long recordedAtMs,
      SortedMap<String, Long> balances,
      List<ChannelRecordingState> channels,
      SortedMap<Integer, ChannelCounters> sent,
      SortedMap<Integer, ChannelCounters> received) {}

  /**
   * One incoming lane of an open snapshot; {@code markerOffset} is -1 until closed, {@code
   * seqBefore} is the last sequence number accepted on the lane when recording began; {@code
   * expectedCount} (unordered channels) is what the sender's marker said it had sent on the whole
   * channel, -1 until known.
   */
  public record ChannelRecordingState(
      Lane from,
      boolean closed,
      long firstOffset,
      long markerOffset,
      long seqBefore,
      long count,
      long sum,
      long expectedCount) {
    /** A lane of a FIFO bank's recording. */
    public ChannelRecordingState(
        Lane from,
        boolean closed,
        long firstOffset,
        long markerOffset,
        long seqBefore,
        long count,
        long sum) {
      this(from, closed, firstOffset, markerOffset, seqBefore, count, sum, -1);
    }
  }
}
