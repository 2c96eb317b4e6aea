package io.snapbank.auditor.core;

/** Why an assembled snapshot is not consistent. */
public enum ViolationReason {
  /** Recorded balances plus money in flight differ from the genesis total. */
  CONSERVATION,
  /** A recorded balance is negative. */
  NEGATIVE_BALANCE,
  /** A channel of the topology has no recorded state. */
  CHANNEL_MISSING,
  /** A channel was recorded more than once. */
  CHANNEL_DUPLICATE,
  /** A recorded channel is not part of the topology (or is reported by the wrong node). */
  CHANNEL_UNKNOWN,
  /** A channel's offset range, count or sum is impossible. */
  BAD_RANGE,
  /** Re-reading a channel's range from the log does not give the reported count and sum. */
  DEEP_AUDIT_MISMATCH,
  /**
   * What the sender had sent on a channel minus what the receiver had accepted from it, by their
   * own counters, is not the receiver's recorded channel state (count or sum).
   */
  CHANNEL_COUNTERS
}
