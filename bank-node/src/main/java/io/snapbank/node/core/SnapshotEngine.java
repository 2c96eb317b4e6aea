package io.snapbank.node.core;

import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Chandy-Lamport snapshot engine of one node. Pure and deterministic: no I/O, threads, clocks or
 * randomness; time comes in as arguments, effects go out through {@link Outbox}. Not thread-safe:
 * drive it from one thread.
 *
 * <p>Channels are made of one or more {@link Lane lanes}; each lane is FIFO, carries records
 * numbered 1, 2, 3… (transfers and markers alike) and is treated as a channel of its own: a marker
 * goes on every outgoing lane, a recording closes a lane at its marker and completes when every
 * lane is closed. The engine checks that numbering: a record that skips ahead is a {@link
 * Outcome#SEQUENCE_GAP}, a repeated one a {@link Outcome#SEQUENCE_DUPLICATE}; neither is applied.
 * Outgoing numbers come from {@link #nextTransferSeq(Lane)} (for transfers the caller sends) and
 * the markers the engine sends itself, so both share one counter per channel. That bookkeeping, and
 * which channels a final record closed, is a {@link ChannelBook}'s; the recordings open on the node
 * are {@link Recordings}; how they take records is {@link FifoChannels}' or, for a bank of
 * unordered channels, {@link ColouredChannels}'.
 *
 * <p>Channel state is kept as an offset range with a running count and sum, O(channels) memory per
 * snapshot whatever the traffic. With {@code collectMessages} the recorded transfers are also kept,
 * for simulation and conformance.
 *
 * <p>Per snapshot id, transitions ({@code *} = any other state listed):
 *
 * <pre>
 * state      event                         outcome            next state
 * NONE       request                       STARTED/COMPLETED  RECORDING (COMPLETED if no inputs)
 * NONE       first marker on c             STARTED/COMPLETED  RECORDING, c closed empty
 * NONE       abort                         UNKNOWN            FINISHED
 * RECORDING  request                       ALREADY_ACTIVE     RECORDING
 * RECORDING  transfer on open c            RECORDED           RECORDING (c: count+1, sum+amount)
 * RECORDING  marker on open c              CHANNEL_CLOSED     RECORDING
 * RECORDING  marker on last open c         COMPLETED          FINISHED (Outbox.completed)
 * RECORDING  marker on closed c            DUPLICATE_MARKER   RECORDING
 * RECORDING  abort                         ABORTED            FINISHED
 * FINISHED   request / marker / abort      LATE               FINISHED
 * </pre>
 *
 * On STARTED the node's state (balances, and the per-channel counters of transfers sent and
 * accepted so far) is captured from {@link StateSource} and a marker is sent on every outgoing
 * channel in ascending order of destination, before anything else is sent. Finished ids are
 * remembered (the most recent {@code rememberFinished} of them) so late markers and requests cannot
 * restart a snapshot.
 */
public final class SnapshotEngine {

  /** Supplies the node's local state at the recording moment. */
  @FunctionalInterface
  public interface StateSource {
    /** An immutable copy of account balances now. */
    SortedMap<String, Long> capture();

    /** Per outgoing channel (by receiver), the transfers sent so far; none when not tracked. */
    default SortedMap<Integer, ChannelCounters> sentCounters() {
      return java.util.Collections.emptySortedMap();
    }

    /** Per incoming channel (by sender), the transfers accepted so far; none when not tracked. */
    default SortedMap<Integer, ChannelCounters> receivedCounters() {
      return java.util.Collections.emptySortedMap();
    }
  }

  /** Where the engine's effects go. Calls happen synchronously inside the triggering event. */
  public interface Outbox {
    /**
     * Send a marker of {@code snapshotId} on lane self→{@code to} with sequence number {@code seq};
     * the node had sent {@code sent} on the channel when it recorded.
     */
    void sendMarker(Lane to, long seq, long snapshotId, ChannelCounters sent);

    /** Snapshot {@code snapshot} is complete on this node. */
    void completed(LocalSnapshot snapshot);
  }

  /** Default number of finished snapshot ids remembered. */
  public static final int DEFAULT_REMEMBER_FINISHED = 100_000;

  private final int nodeId;
  private final ChannelBook channels;
  private final Recordings recordings;
  private final ChannelOrder order;
  private final FifoChannels fifo;
  private final ColouredChannels coloured;

  /**
   * @param incoming the lanes of the channels into this node
   * @param outgoing the lanes of the channels out of this node
   */
  public SnapshotEngine(
      int nodeId,
      Collection<Lane> incoming,
      Collection<Lane> outgoing,
      StateSource state,
      Outbox outbox,
      boolean collectMessages) {
    this(nodeId, incoming, outgoing, state, outbox, collectMessages, DEFAULT_REMEMBER_FINISHED);
  }

  public SnapshotEngine(
      int nodeId,
      Collection<Lane> incoming,
      Collection<Lane> outgoing,
      StateSource state,
      Outbox outbox,
      boolean collectMessages,
      int rememberFinished) {
    this(
        nodeId,
        incoming,
        outgoing,
        state,
        outbox,
        collectMessages,
        rememberFinished,
        ChannelOrder.FIFO);
  }

  /** An engine of a bank whose channels keep {@code order}. */
  public SnapshotEngine(
      int nodeId,
      Collection<Lane> incoming,
      Collection<Lane> outgoing,
      StateSource state,
      Outbox outbox,
      boolean collectMessages,
      int rememberFinished,
      ChannelOrder order) {
    this.nodeId = nodeId;
    this.order = order;
    this.channels = new ChannelBook(nodeId, incoming, outgoing, order);
    this.recordings =
        new Recordings(
            nodeId,
            channels,
            state,
            outbox,
            collectMessages,
            order,
            this::recorded,
            rememberFinished);
    this.fifo = new FifoChannels(recordings);
    this.coloured = new ColouredChannels(channels, recordings);
  }

  public int nodeId() {
    return nodeId;
  }

  // --- channels, as the channel book keeps them ---

  /** Sets where consumption of channel {@code from}→self starts (the committed position). */
  public void setNextOffset(Lane from, long offset) {
    channels.setNextOffset(from, offset);
  }

  /**
   * A record at {@code offset} of channel {@code from}→self was consumed without being applied (set
   * aside): a recording that starts later begins after it.
   */
  public void skip(Lane from, long offset) {
    channels.skip(from, offset);
  }

  /** Last sequence number accepted on channel {@code from}→self. */
  public long lastReceivedSeq(Lane from) {
    return channels.lastReceivedSeq(from);
  }

  /** Where {@code seq} stands on lane {@code from}→self (see {@link ChannelOrder}). */
  public ChannelRule.Sequence sequence(Lane from, long seq) {
    return channels.sequence(from, seq);
  }

  /**
   * The colour the node stamps on what it sends: in a bank of unordered channels the last snapshot
   * it recorded ({@link ChannelMessage#NO_COLOUR} before any, and always in a FIFO bank).
   */
  public long colour() {
    return order == ChannelOrder.NONE ? coloured.colour() : ChannelMessage.NO_COLOUR;
  }

  /** Takes the sequence number for a transfer about to be sent on self→{@code to}. */
  public long nextTransferSeq(Lane to) {
    return channels.nextTransferSeq(to);
  }

  /**
   * Closes channel self→{@code to} for good: returns the sequence number of its final record, which
   * the caller sends; no marker or transfer goes on it afterwards.
   */
  public long closeOutgoing(Lane to) {
    return channels.closeOutgoing(to);
  }

  /** Whether this node sent the final record of lane self→{@code to}. */
  public boolean closedTo(Lane to) {
    return channels.closedTo(to);
  }

  /** Whether this node sent the final record on every lane of channel self→{@code to}. */
  public boolean closedTo(int to) {
    return channels.closedTo(to);
  }

  /** Whether lane {@code from}→self was closed by its final record. */
  public boolean closedFrom(Lane from) {
    return channels.closedFrom(from);
  }

  /** Whether every lane of channel {@code from}→self was closed by its final record. */
  public boolean closedFrom(int from) {
    return channels.closedFrom(from);
  }

  /** Whether every incoming channel was closed by its final record. */
  public boolean allIncomingClosed() {
    return channels.allIncomingClosed();
  }

  // --- recordings ---

  /** Ids of snapshots recording on this node, ascending. */
  public SortedSet<Long> openSnapshots() {
    return recordings.ids();
  }

  /** Whether {@code snapshotId} completed or was aborted here (and is still remembered). */
  public boolean isFinished(long snapshotId) {
    return recordings.isFinished(snapshotId);
  }

  /**
   * This node initiates {@code snapshotId}: STARTED (or COMPLETED when it has no incoming
   * channels), ALREADY_ACTIVE, or LATE.
   */
  public Outcome onRequest(long snapshotId, long requestedAtMs, long nowMs) {
    if (recordings.isFinished(snapshotId)) {
      return Outcome.LATE;
    }
    if (recordings.get(snapshotId) != null) {
      return Outcome.ALREADY_ACTIVE;
    }
    if (order == ChannelOrder.NONE && coloured.passed(snapshotId)) {
      return Outcome.OUT_OF_ORDER;
    }
    Recording r = recordings.start(snapshotId, requestedAtMs, nowMs, null, -1);
    return r.allClosed() ? recordings.complete(r, nowMs) : Outcome.STARTED;
  }

  /**
   * A transfer of {@code amount} arrived on {@code from}→self with sequence {@code seq} at {@code
   * offset}: RECORDED, ACCEPTED, or a FIFO violation (then nothing changes).
   */
  public Outcome onTransfer(Lane from, long seq, long offset, long amount) {
    return onTransfer(from, seq, offset, amount, ChannelMessage.NO_COLOUR, 0);
  }

  /**
   * A transfer of {@code amount} coloured {@code colour} arrived on {@code from}→self with sequence
   * {@code seq} at {@code offset}, at {@code nowMs}. In a FIFO bank as {@link #onTransfer(Lane,
   * long, long, long)}; with unordered channels see {@link ColouredChannels#onTransfer}.
   */
  public Outcome onTransfer(
      Lane from, long seq, long offset, long amount, long colour, long nowMs) {
    Outcome check = channels.receive(from, seq, offset);
    if (check != Outcome.ACCEPTED) {
      return check;
    }
    return order == ChannelOrder.NONE
        ? coloured.onTransfer(from, seq, offset, amount, colour, nowMs)
        : fifo.onTransfer(from, seq, offset, amount);
  }

  /**
   * A marker of {@code snapshotId} arrived on {@code from}→self with sequence {@code seq} at {@code
   * offset}: STARTED, CHANNEL_CLOSED, COMPLETED, DUPLICATE_MARKER, LATE, or a FIFO violation (then
   * nothing changes).
   */
  public Outcome onMarker(Lane from, long seq, long offset, long snapshotId, long nowMs) {
    return onMarker(from, seq, offset, snapshotId, null, nowMs);
  }

  /**
   * A marker of {@code snapshotId} whose sender had sent {@code sent} on the channel (null: not
   * given) arrived on {@code from}→self with sequence {@code seq} at {@code offset}. In a FIFO bank
   * as {@link #onMarker(Lane, long, long, long, long)}; with unordered channels LATE when the
   * snapshot finished here, else see {@link ColouredChannels#onMarker}.
   */
  public Outcome onMarker(
      Lane from, long seq, long offset, long snapshotId, ChannelCounters sent, long nowMs) {
    Outcome check = channels.receive(from, seq, offset);
    if (check != Outcome.ACCEPTED) {
      return check;
    }
    if (recordings.isFinished(snapshotId)) {
      return Outcome.LATE;
    }
    return order == ChannelOrder.NONE
        ? coloured.onMarker(from, snapshotId, sent, nowMs)
        : fifo.onMarker(from, offset, snapshotId, nowMs);
  }

  /**
   * The final record of channel {@code from}→self arrived with sequence {@code seq} at {@code
   * offset}: nothing more arrives on the channel. It closes the channel in every recording (as
   * their marker) and in every recording to come (empty). COMPLETED when that completed a snapshot,
   * CHANNEL_CLOSED when it closed a recording's channel, ACCEPTED otherwise, or a FIFO violation
   * (then nothing changes).
   */
  public Outcome onFinal(Lane from, long seq, long offset, long nowMs) {
    return onFinal(from, seq, offset, null, nowMs);
  }

  /**
   * The final record of lane {@code from}→self, whose sender had sent {@code sent} on the channel
   * in all (null: not given). In a FIFO bank as {@link #onFinal(Lane, long, long, long)}; with
   * unordered channels see {@link ColouredChannels#onFinal}.
   */
  public Outcome onFinal(Lane from, long seq, long offset, ChannelCounters sent, long nowMs) {
    Outcome check = channels.receive(from, seq, offset);
    if (check != Outcome.ACCEPTED) {
      return check;
    }
    channels.closeIncoming(from);
    return order == ChannelOrder.NONE
        ? coloured.onFinal(from, sent, nowMs)
        : fifo.onFinal(from, offset, nowMs);
  }

  /**
   * A record with sequence {@code seq} at {@code offset} of channel {@code from}→self that is
   * accepted but changes no recording (a marker of a snapshot of an earlier epoch): ACCEPTED, or a
   * FIFO violation (then nothing changes).
   */
  public Outcome onPassing(Lane from, long seq, long offset) {
    return channels.receive(from, seq, offset);
  }

  /** Drops every recording (remembered as finished, so their late markers are ignored). */
  public List<Long> abortAll() {
    return recordings.abortAll();
  }

  /** Drops {@code snapshotId}: ABORTED if it was recording, LATE if finished, else UNKNOWN. */
  public Outcome onAbort(long snapshotId) {
    return recordings.abort(snapshotId);
  }

  /** The engine's full state, for saving with the node's committed state. */
  public EngineState save() {
    return channels.save(
        recordings.save(), recordings.finished(), coloured.colour(), coloured.floor());
  }

  /**
   * Replaces this engine's state with a saved one (same node and channels). Counters of channels
   * not in the saved state keep their initial values.
   */
  public void restore(EngineState saved) {
    if (saved.nodeId() != nodeId) {
      throw new IllegalArgumentException(
          "state of node " + saved.nodeId() + " given to node " + nodeId);
    }
    channels.restore(saved);
    recordings.restore(saved);
    coloured.restore(saved.order());
  }

  /** A recording started: the node's colour counts it before its markers go out. */
  private void recorded(long snapshotId) {
    coloured.recorded(snapshotId);
  }
}
