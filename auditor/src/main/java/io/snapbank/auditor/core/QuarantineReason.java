package io.snapbank.auditor.core;

/**
 * Why the auditor set an input record aside: the {@code reason} of its quarantine envelope. Bad
 * input is never dropped silently.
 */
public enum QuarantineReason {
  /** The record cannot be decoded (empty, bad header, unknown schema, malformed). */
  UNDECODABLE,
  /** A report of a node outside the bank: a negative id, or not below the genesis's node count. */
  UNKNOWN_NODE,
  /** A genesis naming fewer than one node. */
  INVALID_GENESIS,
  /** A genesis that differs from the one already known: the first one stands. */
  GENESIS_CONFLICT,
  /**
   * A deep-audit result that matches no complete snapshot the auditor remembers: unknown or
   * forgotten, still pending, or aborted.
   */
  UNMATCHED_DEEP_AUDIT,
  /**
   * A report in a partition of the reports topic other than its snapshot's: another audit task owns
   * that snapshot, so counting it here could report the snapshot twice.
   */
  MISROUTED_REPORT
}
