package io.snapbank.node.core;

/** Why a node set an incoming record aside instead of applying it. */
public enum QuarantineReason {
  /** The bytes are not a record of the expected type. */
  UNDECODABLE,
  /** The record claims a sender other than the owner of the topic it came from. */
  WRONG_SENDER,
  /** The record names a receiver other than the partition's node. */
  WRONG_RECEIVER,
  /** The record names a lane other than the partition's. */
  WRONG_LANE,
  /** A transfer of zero or a negative amount. */
  NON_POSITIVE_AMOUNT,
  /** A transfer to an account this node does not own. */
  UNKNOWN_ACCOUNT,
  /** A sequence number already seen on the channel. */
  DUPLICATE_SEQUENCE,
  /** A sequence number that skips ahead: the FIFO assumption is broken and the node stops. */
  SEQUENCE_GAP,
  /**
   * A record claiming an epoch the bank's epoch log does not hold (after reading it to its end).
   */
  UNKNOWN_EPOCH,
  /** A record after its channel's final record: nothing is ever credited to a node that is gone. */
  CLOSED_CHANNEL
}
