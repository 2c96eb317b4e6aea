package io.snapbank.node.core;

/**
 * How a node records snapshots in a bank whose channels keep no order ({@link ChannelOrder#NONE}):
 * it records a snapshot before it takes a record coloured with it (Lai-Yang), counts the transfers
 * coloured below an open recording as that recording's channel state, and closes a channel of a
 * recording once the count reaches what the sender's marker or final record says it had sent
 * (Mattern's counters). It keeps the node's colour and floor ({@link OrderState}); the {@link
 * Recordings} are its {@link SnapshotEngine}'s. Its {@code on*} methods are called only for records
 * whose sequence number the engine accepted. Mutable; owned by one engine.
 */
final class ColouredChannels {

  private final ChannelBook channels;
  private final Recordings recordings;
  private long colour = ChannelMessage.NO_COLOUR;
  private long floor = ChannelMessage.NO_COLOUR;

  ColouredChannels(ChannelBook channels, Recordings recordings) {
    this.channels = channels;
    this.recordings = recordings;
  }

  /** The last snapshot the node recorded ({@link ChannelMessage#NO_COLOUR} before any). */
  long colour() {
    return colour;
  }

  /** The highest snapshot id the node recorded or met as a colour. */
  long floor() {
    return floor;
  }

  /**
   * The node started recording {@code snapshotId}: its colour and floor rise to it. Kept in a FIFO
   * bank too (saved, though unused there).
   */
  void recorded(long snapshotId) {
    colour = Math.max(colour, snapshotId);
    floor = Math.max(floor, snapshotId);
  }

  /** Whether the node can no longer record {@code snapshotId}: its floor reached it. */
  boolean passed(long snapshotId) {
    return snapshotId <= floor;
  }

  /** Takes the colour and floor of {@code saved}. */
  void restore(OrderState saved) {
    colour = saved.colour();
    floor = saved.floor();
  }

  /**
   * A transfer of {@code amount} coloured {@code c} was accepted on {@code from}→self with sequence
   * {@code seq} at {@code offset}: the node first records the snapshot {@code c} names if it can;
   * the transfer is channel state of every open recording of a higher id whose channel is not
   * counted full yet. COMPLETED, RECORDED or ACCEPTED.
   */
  Outcome onTransfer(Lane from, long seq, long offset, long amount, long c, long nowMs) {
    recordColour(c, nowMs);
    boolean recorded = false;
    for (Recording r : recordings.all()) {
      if (c < r.snapshotId && r.record(from, seq, offset, amount)) {
        recorded = true;
        r.closeCounted(from.node(), channels.nextOffsets());
      }
    }
    return completeClosed(nowMs)
        ? Outcome.COMPLETED
        : recorded ? Outcome.RECORDED : Outcome.ACCEPTED;
  }

  /**
   * A marker of {@code snapshotId}, not finished on the node, whose sender had sent {@code sent} on
   * the channel (null: not given) was accepted on {@code from}→self: starts the recording if the
   * node can still record it (else OUT_OF_ORDER), and tells the recording how many transfers to
   * count on the channel (DUPLICATE_MARKER when another lane's marker told it already); the channel
   * closes once they are counted.
   */
  Outcome onMarker(Lane from, long snapshotId, ChannelCounters sent, long nowMs) {
    Recording r = recordings.get(snapshotId);
    boolean started = false;
    if (r == null) {
      if (passed(snapshotId)) {
        return Outcome.OUT_OF_ORDER;
      }
      r = recordings.start(snapshotId, nowMs, nowMs, null, -1);
      started = true;
    }
    if (sent == null || !r.expect(from.node(), sent.count())) {
      return started ? Outcome.STARTED : Outcome.DUPLICATE_MARKER;
    }
    boolean closed = r.closeCounted(from.node(), channels.nextOffsets());
    if (completeClosed(nowMs)) {
      return Outcome.COMPLETED;
    }
    return started ? Outcome.STARTED : closed ? Outcome.CHANNEL_CLOSED : Outcome.ACCEPTED;
  }

  /**
   * The final record of lane {@code from}→self was accepted, its sender having sent {@code sent} on
   * the channel in all (null: not given): a recording that has no count for the channel yet takes
   * the final's, as its sender never recorded the snapshot, so everything it sent is from before
   * the cut. COMPLETED, CHANNEL_CLOSED or ACCEPTED.
   */
  Outcome onFinal(Lane from, ChannelCounters sent, long nowMs) {
    boolean closed = false;
    for (Recording r : recordings.all()) {
      if (sent != null) {
        r.expect(from.node(), sent.count());
      }
      closed |= r.closeCounted(from.node(), channels.nextOffsets());
    }
    return completeClosed(nowMs)
        ? Outcome.COMPLETED
        : closed ? Outcome.CHANNEL_CLOSED : Outcome.ACCEPTED;
  }

  /**
   * Lai-Yang: a record coloured above the node's last recording was sent after its sender recorded
   * that snapshot, so the node records it first if it still can; either way its floor rises.
   */
  private void recordColour(long c, long nowMs) {
    if (c > floor && !recordings.isFinished(c) && recordings.get(c) == null) {
      recordings.start(c, nowMs, nowMs, null, -1);
    }
    floor = Math.max(floor, c);
  }

  /** Completes every recording whose channels are all closed; true when one did. */
  private boolean completeClosed(long nowMs) {
    boolean any = false;
    for (Recording r : recordings.all()) {
      if (r.allClosed()) {
        recordings.complete(r, nowMs);
        any = true;
      }
    }
    return any;
  }
}
