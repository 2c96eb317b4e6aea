package io.snapbank.node.core;

/** What became of a {@link TransferOrder}. */
public enum TransferResult {
  /** Debited and sent on the channel to the receiving node. */
  SENT,
  /** Moved between two accounts of this node. */
  LOCAL,
  /** Refused: the account holds less than the amount. Nothing changed. */
  INSUFFICIENT_FUNDS,
  /**
   * Refused: not an account of this node, a non-positive amount, the same account on both sides, or
   * no channel to the receiving node. Nothing changed.
   */
  INVALID
}
