package io.snapbank.node.restore;

/**
 * One restorability check of a cut: its name, whether it passed, and what it found. A cut is
 * restored only when every check passed.
 */
public record RestoreCheck(Rule rule, boolean passed, String detail) {
  /** The checks, in the order they are made. */
  public enum Rule {
    /** The auditor reported the snapshot CONSISTENT (and no deep audit found it wrong). */
    CONSISTENT,
    /** Every member's recorded balances are in the report, for exactly its own accounts. */
    NODE_STATE,
    /** The bank has the members it had when the cut was taken. */
    SAME_MEMBERSHIP,
    /** No earlier restore or membership change is still being applied. */
    NO_CHANGE_IN_PROGRESS,
    /** Every recorded range is still in its partition's log. */
    RANGES_IN_LOG,
    /** Replayed from the log, every range holds exactly the recorded count and sum. */
    REPLAY_MATCHES,
    /**
     * Every record the restore reads (the epoch log, the cut's report, its recorded ranges) has a
     * writer schema this release knows or the bank's schema store holds.
     */
    RECORDS_READABLE,
    /** The target of a fork is not a bank yet. */
    TARGET_FREE
  }

  public static RestoreCheck pass(Rule rule, String detail) {
    return new RestoreCheck(rule, true, detail);
  }

  public static RestoreCheck fail(Rule rule, String detail) {
    return new RestoreCheck(rule, false, detail);
  }

  /** One line: {@code PASS CONSISTENT: ...}. */
  public String line() {
    return (passed ? "PASS " : "FAIL ") + rule + ": " + detail;
  }
}
