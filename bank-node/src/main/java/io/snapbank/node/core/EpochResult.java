package io.snapbank.node.core;

/** What a node did with a membership change of the bank. */
public enum EpochResult {
  /** The node now runs in the new epoch. */
  APPLIED,
  /** The node was already in that epoch or a later one: nothing changed. */
  ALREADY_APPLIED,
  /** The node left the bank: it stops. */
  GONE
}
