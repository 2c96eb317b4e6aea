package io.snapbank.auditor.core;

/** Why a snapshot was aborted. */
public enum AbortReason {
  /** Not every node of the bank reported within the timeout. */
  TIMED_OUT,
  /** Not complete within the timeout, and the bank's genesis (so its size) is still not known. */
  TIMED_OUT_WITHOUT_GENESIS,
  /** A restore rolled the bank back before the snapshot completed: its timeline was abandoned. */
  SUPERSEDED,
  /** The bank's members changed before the snapshot completed. */
  EPOCH_CHANGED
}
