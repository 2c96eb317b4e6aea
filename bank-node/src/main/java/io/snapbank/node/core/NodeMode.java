package io.snapbank.node.core;

/** Where a node stands in its life as a member of the bank. */
public enum NodeMode {
  /** A member: it makes transfers, receives them, and records snapshots. */
  ACTIVE,
  /**
   * Leaving: it makes no more transfers of its own, credits what still arrives until every member
   * has closed its channel to it, then moves all its money to its heirs and closes its own
   * channels.
   */
  LEAVING,
  /**
   * Its money is moved out and every channel is closed; it records (empty) snapshots until it is
   * gone.
   */
  DRAINED,
  /** No longer a member of the bank. */
  GONE
}
