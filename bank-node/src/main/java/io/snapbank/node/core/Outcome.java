package io.snapbank.node.core;

/** What one event did to the {@link SnapshotEngine}. Failures are data, never exceptions. */
public enum Outcome {
  /** Applied; no snapshot recorded anything because of it. */
  ACCEPTED,
  /** A transfer was appended to the channel state of at least one recording snapshot. */
  RECORDED,
  /** This event made the node record its state for a snapshot and send markers. */
  STARTED,
  /** A marker closed one incoming channel of a recording snapshot (more are open). */
  CHANNEL_CLOSED,
  /** The snapshot completed on this node with this event (it may also have started with it). */
  COMPLETED,
  /** A request for a snapshot this node is already recording: nothing to do. */
  ALREADY_ACTIVE,
  /** A request or marker for a snapshot that already completed or was aborted here: ignored. */
  LATE,
  /**
   * Unordered channels: a request or marker for a snapshot at or below the node's floor (a higher
   * colour reached it first), which it can no longer record consistently: ignored.
   */
  OUT_OF_ORDER,
  /** A marker on a channel that is already closed for that snapshot: ignored. */
  DUPLICATE_MARKER,
  /** The record's sequence number skips ahead: records were lost or reordered. Not applied. */
  SEQUENCE_GAP,
  /** The record's sequence number was already seen on this channel. Not applied. */
  SEQUENCE_DUPLICATE,
  /** An abort dropped the state of a recording snapshot. */
  ABORTED,
  /** An abort for a snapshot this node was not recording; the id is remembered as finished. */
  UNKNOWN;

  /** True when the event broke the FIFO assumption of its channel. */
  public boolean isFifoViolation() {
    return this == SEQUENCE_GAP || this == SEQUENCE_DUPLICATE;
  }
}
