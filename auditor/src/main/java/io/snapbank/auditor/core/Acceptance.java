package io.snapbank.auditor.core;

/** What a node report does to a snapshot. */
public enum Acceptance {
  /** Held; the snapshot still waits for other nodes. */
  ACCEPTED,
  /** Held, and it was the last missing report: the snapshot is complete. */
  COMPLETED,
  /** A second report of the same node for a pending snapshot: ignored. */
  DUPLICATE,
  /** A report for a snapshot already complete or aborted: ignored. */
  LATE,
  /** A report from a node that is not part of the bank: quarantined. */
  UNKNOWN_NODE,
  /** A report recorded in an epoch the bank has left: ignored. */
  SUPERSEDED
}
