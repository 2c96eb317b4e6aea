package io.snapbank.auditor.core;

/**
 * How long the auditor remembers a finished snapshot (its id and last report): long enough that
 * late and duplicate reports and deep audits still find it, bounded so that state does not grow
 * forever. A forgotten snapshot is unseen again.
 */
public record FinishedRetention(long retainMs) {
  /** One day. */
  public static final FinishedRetention ONE_DAY = new FinishedRetention(24L * 60 * 60 * 1000);

  public FinishedRetention {
    if (retainMs <= 0) {
      throw new IllegalArgumentException("retention must be positive, got " + retainMs + " ms");
    }
  }

  /** Whether a snapshot finished at {@code finishedAtMs} is to be forgotten at {@code nowMs}. */
  public boolean expired(long finishedAtMs, long nowMs) {
    return nowMs - finishedAtMs > retainMs;
  }
}
