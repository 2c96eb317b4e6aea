package io.snapbank.node.core;

/**
 * How a node records snapshots in a bank whose lanes are FIFO ({@link ChannelOrder#FIFO},
 * Chandy-Lamport): the first marker of a snapshot starts its recording with its lane closed empty,
 * every later one closes its lane, the transfers in between are the lane's channel state, and a
 * final record closes its lane in every open recording. The {@link Recordings} are its {@link
 * SnapshotEngine}'s. Called only for records whose sequence number the engine accepted, and for
 * markers of snapshots not finished on the node. Holds no state of its own.
 */
final class FifoChannels {
  private final Recordings recordings;

  FifoChannels(Recordings recordings) {
    this.recordings = recordings;
  }

  /** A transfer on {@code from}→self: RECORDED when an open recording took it, else ACCEPTED. */
  Outcome onTransfer(Lane from, long seq, long offset, long amount) {
    boolean recorded = false;
    for (Recording r : recordings.all()) {
      recorded |= r.record(from, seq, offset, amount);
    }
    return recorded ? Outcome.RECORDED : Outcome.ACCEPTED;
  }

  /**
   * A marker of {@code snapshotId} at {@code offset} on {@code from}→self: STARTED, CHANNEL_CLOSED,
   * COMPLETED or DUPLICATE_MARKER.
   */
  Outcome onMarker(Lane from, long offset, long snapshotId, long nowMs) {
    Recording r = recordings.get(snapshotId);
    boolean started = false;
    if (r == null) {
      // First sight through a marker: the request time is unknown here, so the recording time
      // stands in.
      r = recordings.start(snapshotId, nowMs, nowMs, from, offset);
      started = true;
    } else if (!r.close(from, offset)) {
      return Outcome.DUPLICATE_MARKER;
    }
    if (r.allClosed()) {
      return recordings.complete(r, nowMs);
    }
    return started ? Outcome.STARTED : Outcome.CHANNEL_CLOSED;
  }

  /**
   * The final record of {@code from}→self at {@code offset} closes the lane in every recording (as
   * their marker): COMPLETED when that completed a snapshot, CHANNEL_CLOSED when it closed a
   * recording's lane, ACCEPTED otherwise.
   */
  Outcome onFinal(Lane from, long offset, long nowMs) {
    Outcome o = Outcome.ACCEPTED;
    for (Recording r : recordings.all()) {
      if (r.close(from, offset)) {
        o =
            r.allClosed()
                ? recordings.complete(r, nowMs)
                : o == Outcome.COMPLETED ? o : Outcome.CHANNEL_CLOSED;
      }
    }
    return o;
  }
}
