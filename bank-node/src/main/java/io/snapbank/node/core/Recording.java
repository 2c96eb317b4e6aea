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
 * Mutable; owned by one node's {@link Recordings}.
 */
final class Recording {
  final long snapshotId;
  final long requestedAtMs;
  final long recordedAtMs;
  private final SortedMap<String, Long> balances;
  private final SortedMap<Integer, ChannelCounters> sent;
  private final SortedMap<Integer, ChannelCounters> received;
  private final SortedMap<Lane, Channel> channels = new TreeMap<>();
  private final ChannelOrder order;

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
      boolean collectMessages,
      ChannelOrder order) {
    this.snapshotId = snapshotId;
    this.order = order;
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
      int nodeId,
      ChannelOrder order) {
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
            false,
            order);
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
      ch.expected = c.expectedCount();
    }
    return r;
  }

  /** The recording as a value, for saving. */
  EngineState.OpenSnapshotState save() {
    List<EngineState.ChannelRecordingState> chans = new ArrayList<>();
    for (Channel c : channels.values()) {
      chans.add(
          new EngineState.ChannelRecordingState(
              c.from,
              c.closed,
              c.firstOffset,
              c.markerOffset,
              c.seqBefore,
              c.count,
              c.sum,
              c.expected));
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

  /**
   * Unordered channels: the sender's marker says it had sent {@code count} transfers on channel
   * {@code sender}→self when it recorded; false when that was known already (a marker on another
   * lane).
   */
  boolean expect(int sender, long count) {
    boolean set = false;
    for (Channel c : channels.values()) {
      if (c.from.node() == sender && c.expected < 0) {
        c.expected = count;
        set = true;
      }
    }
    return set;
  }

  /**
   * Unordered channels: closes every open lane of channel {@code sender}→self, each where the node
   * stands on it ({@code nextOffsets}), once the transfers it had accepted from the sender when it
   * recorded ({@code received}) and those recorded since add up to what the sender's marker said it
   * had sent; true when it closed them.
   */
  boolean closeCounted(int sender, Map<Lane, Long> nextOffsets) {
    long counted = received.getOrDefault(sender, ChannelCounters.ZERO).count();
    long expected = -1;
    boolean open = false;
    for (Channel c : channels.values()) {
      if (c.from.node() == sender) {
        counted += c.count;
        expected = c.expected;
        open |= !c.closed;
      }
    }
    if (!open || expected < 0 || counted != expected) {
      return false;
    }
    for (Channel c : channels.values()) {
      if (c.from.node() == sender && !c.closed) {
        c.closed = true;
        c.markerOffset = nextOffsets.get(c.from);
      }
    }
    return true;
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
              c.messages == null ? List.of() : c.messages,
              order == ChannelOrder.NONE ? snapshotId : -1));
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
    long expected = -1;
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
