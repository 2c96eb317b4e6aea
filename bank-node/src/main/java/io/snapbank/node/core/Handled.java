package io.snapbank.node.core;

/** What a {@link NodeCore} did with one input. Results are data, never exceptions. */
public enum Handled {
  /** A transfer was accepted and its amount credited. */
  CREDITED,
  /** A marker was accepted and acted on (recording started, channel closed, snapshot completed). */
  MARKER_APPLIED,
  /** A marker was accepted but its snapshot is finished or the channel already closed. */
  MARKER_IGNORED,
  /** A channel's final record: nothing more arrives on it. */
  CHANNEL_CLOSED,
  /** This node initiated the requested snapshot (or was already recording it). */
  REQUEST_APPLIED,
  /** The request does not name this node as an initiator, or its snapshot already finished. */
  REQUEST_IGNORED,
  /** An abort dropped a snapshot this node was recording. */
  ABORT_APPLIED,
  /** An abort of a snapshot this node was not recording. */
  ABORT_IGNORED,
  /** The input was set aside ({@link NodeOutput#quarantine}). */
  QUARANTINED,
  /** A record of an abandoned timeline (before the node's last restore): consumed, not applied. */
  SUPERSEDED,
  /** A record of an epoch the node has not reached yet: not consumed; offer it again later. */
  WAITING,
  /** The node stopped on this input ({@link NodeOutput#halt}); it is not consumed. */
  HALTED;

  /** Whether the input's position may advance past it. */
  public boolean consumed() {
    return this != HALTED && this != WAITING;
  }
}
