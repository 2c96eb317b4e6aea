package io.snapbank.auditor.core;

import java.util.List;

/**
 * Why a snapshot is where it is: the one most likely cause, in plain words, and what shows it.
 * Immutable.
 *
 * @param cause the kind of cause
 * @param text one sentence an operator can act on
 * @param evidence the facts behind it, one line each
 */
public record Diagnosis(Cause cause, String text, List<String> evidence) {
  /** The kinds of cause, from the snapshot's point of view. */
  public enum Cause {
    /** It has its verdict: nothing holds it back. */
    COMPLETE,
    /** A restore abandoned its timeline. */
    SUPERSEDED,
    /** The members changed before it completed. */
    EPOCH_CHANGED,
    /** A member has committed nothing since the request: down or stuck. */
    NODE_DOWN,
    /** A member has not reached the snapshot's epoch yet. */
    NODE_BEHIND_EPOCH,
    /** A member runs but has not recorded: no request or marker reached it yet. */
    NODE_NOT_RECORDED,
    /** An open transaction holds the channel's read_committed boundary before the marker. */
    OPEN_TRANSACTION,
    /** The sender recorded but its marker is not in the channel's committed log. */
    MARKER_MISSING,
    /** The receiver has records to read before it reaches the marker. */
    RECEIVER_BEHIND,
    /** Every channel is recorded; a member's report is not committed yet. */
    REPORT_NOT_COMMITTED,
    /** Every member reported; the auditor has not published a verdict. */
    AUDITOR_BEHIND
  }

  public Diagnosis {
    evidence = List.copyOf(evidence);
  }
}
