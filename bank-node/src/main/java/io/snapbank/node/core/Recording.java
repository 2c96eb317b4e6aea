package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One snapshot recording on a node: the state it recorded and, per incoming channel, the running
 * channel state (an offset range with a count and a sum) until the channel's marker closes it.
 * Mutable; owned by one {@link SnapshotEngine}.
 */
final class Recording {
  final long snapshotId;
  final long requestedAtMs;
  final long recordedAtMs;
  private final SortedMap<String, Long> balances;
  private final SortedMap<Integer, ChannelCounters> sent;
  private final SortedMap<Integer, ChannelCounters> received;
  private final SortedMap<Lane, Channel> channels = new TreeMap<>();

  /**
   * A recording that opens every incoming channel at the node's current position ({@code
   * nextOffset}) and last accepted sequence number ({@code lastSeq}).
   */
  Recording(
      long snapshotId,
      long requestedAtMs,
      long recordedAtMs,
      SortedMap<String, Long> balances,
      SortedMap<Integer, ChannelCounters> sent,
      SortedMap<Integer, ChannelCounters> received,
      Map<Lane, Long> nextOffset,
      Map<Lane, Long> lastSeq,
      java.util.Set<Lane> closed,
      boolean collectMessages) {
    this.snapshotId = snapshotId;
    this.requestedAtMs = requestedAtMs;
    this.recordedAtMs = recordedAtMs;
    this.balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    this.sent = Collections.unmodifiableSortedMap(new TreeMap<>(sent));
    this.received = Collections.unmodifiableSortedMap(new TreeMap<>(received));
    for (Map.Entry<Lane, Long> e : nextOffset.entrySet()) {
      Lane from = e.getKey();
      Channel c = new Channel(from, e.getValue(), lastSeq.get(from), collectMessages);
      if (closed.contains(from)) {
        c.closed = true; // its final record came: nothing is in flight on it, ever
        c.markerOffset = c.firstOffset;
      }
      channels.put(from, c);
    }
  }

  /** A recording as saved; throws when it names a channel the node does not have. */
  static Recording restore(
      EngineState.OpenSnapshotState s,
      Map<Lane, Long> nextOffset,
      Map<Lane, Long> lastSeq,
      int nodeId) {
    Recording r =
        new Recording(
            s.snapshotId(),
            s.requestedAtMs(),
            s.recordedAtMs(),
            s.balances(),
            s.sent(),
            s.received(),
            nextOffset,
            lastSeq,
            java.util.Set.of(),
            false);
    for (EngineState.ChannelRecordingState c : s.channels()) {
      Channel ch = r.channels.get(c.from());
      if (ch == null) {
        throw new IllegalArgumentException(
            "saved snapshot "
                + s.snapshotId()
                + " has channel lane from "
                + c.from().label()
                + " unknown to node "
                + nodeId);
      }
      ch.closed = c.closed();
      ch.firstOffset = c.firstOffset();
      ch.markerOffset = c.markerOffset();
      ch.seqBefore = c.seqBefore();
      ch.count = c.count();
      ch.sum = c.sum();
    }
    return r;
  }

  /** The recording as a value, for saving. */
  EngineState.OpenSnapshotState save() {
    List<EngineState.ChannelRecordingState> chans = new ArrayList<>();
    for (Channel c : channels.values()) {
      chans.add(
          new EngineState.ChannelRecordingState(
              c.from, c.closed, c.firstOffset, c.markerOffset, c.seqBefore, c.count, c.sum));
    }
    return new EngineState.OpenSnapshotState(
        snapshotId, requestedAtMs, recordedAtMs, balances, List.copyOf(chans), sent, received);
  }

  /** Adds a transfer to channel {@code from}'s state if it is open; true when it did. */
  boolean record(Lane from, long seq, long offset, long amount) {
    Channel c = channels.get(from);
    if (c.closed) {
      return false;
    }
    c.count++;
    c.sum = Math.addExact(c.sum, amount);
    if (c.messages != null) {
      c.messages.add(new RecordedMessage(from.node(), seq, offset, amount));
    }
    return true;
  }

  /** Closes channel {@code from} at its marker's offset; false when it was already closed. */
  boolean close(Lane from, long markerOffset) {
    Channel c = channels.get(from);
    if (c.closed) {
      return false;
    }
    c.closed = true;
    c.markerOffset = markerOffset;
    return true;
  }

  /** Closes channel {@code from} empty: its marker came first and started the recording. */
  void closeEmpty(Lane from, long markerOffset) {
    channels.get(from).firstOffset = markerOffset;
    close(from, markerOffset);
  }

  boolean allClosed() {
    for (Channel c : channels.values()) {
      if (!c.closed) {
        return false;
      }
    }
    return true;
  }

  /** The completed local snapshot of node {@code nodeId}. */
  LocalSnapshot complete(int nodeId, long completedAtMs) {
    List<ChannelSnapshot> chans = new ArrayList<>();
    for (Channel c : channels.values()) {
      chans.add(
          new ChannelSnapshot(
              c.from.node(),
              nodeId,
              c.from.index(),
              c.firstOffset,
              c.markerOffset,
              c.seqBefore,
              c.count,
              c.sum,
              c.messages == null ? List.of() : c.messages));
    }
    return new LocalSnapshot(
        snapshotId,
        nodeId,
        requestedAtMs,
        recordedAtMs,
        completedAtMs,
        balances,
        chans,
        sent,
        received,
        0,
        0);
  }

  /** Running state of one incoming channel. */
  private static final class Channel {
    final Lane from;
    long firstOffset;
    long markerOffset = -1;
    long seqBefore;
    long count;
    long sum;
    boolean closed;
    final List<RecordedMessage> messages;

    Channel(Lane from, long firstOffset, long seqBefore, boolean collect) {
      this.from = from;
      this.firstOffset = firstOffset;
      this.seqBefore = seqBefore;
      this.messages = collect ? new ArrayList<>() : null;
    }
  }
}
