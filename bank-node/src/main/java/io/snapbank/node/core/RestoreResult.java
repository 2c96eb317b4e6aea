package io.snapbank.node.core;

/**
 * What a node did with a {@link RestorePlan}: {@code replayedCount} transfers summing {@code
 * replayedSum} were delivered again when it was APPLIED; {@code detail} says why it was REFUSED.
 */
public record RestoreResult(Outcome outcome, String detail, long replayedCount, long replayedSum) {
  /** The three possible outcomes. */
  public enum Outcome {
    /** The node now runs in the plan's epoch, from the cut. */
    APPLIED,
    /** The node was already in that epoch or a later one: nothing changed. */
    ALREADY_APPLIED,
    /** The plan cannot be applied as recorded: nothing changed. */
    REFUSED
  }

  static RestoreResult refused(String detail) {
    return new RestoreResult(Outcome.REFUSED, detail, 0, 0);
  }
}
