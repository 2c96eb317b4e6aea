package io.snapbank.auditor.config;

import java.time.Duration;

/**
 * Settings of the deep-audit stage. Immutable; the {@code with...} methods return a changed copy.
 *
 * @param sample deep-audit every n-th complete snapshot; 0 = only on demand (the default)
 * @param queueCapacity deep audits waiting for the worker at most; more are refused (default 64)
 * @param answerTimeout how long an on-demand request waits for the deep-audited report before it is
 *     answered "queued" (default 30 s)
 * @param readTimeout time allowed to read one channel range from the log (default 30 s)
 */
public record DeepAuditSettings(
    int sample, int queueCapacity, Duration answerTimeout, Duration readTimeout) {
  public static final int DEFAULT_QUEUE_CAPACITY = 64;
  public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** On demand only, with the default queue and timeouts. */
  public static final DeepAuditSettings DEFAULTS =
      new DeepAuditSettings(
          0, DEFAULT_QUEUE_CAPACITY, DEFAULT_ANSWER_TIMEOUT, DEFAULT_READ_TIMEOUT);

  public DeepAuditSettings {
    if (sample < 0) {
      throw new IllegalArgumentException(
          "deep audit sample must be >= 0 (0 = on demand only), got " + sample);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "the deep-audit queue must hold at least one audit, got " + queueCapacity);
    }
    requirePositive(answerTimeout, "deep-audit answer timeout");
    requirePositive(readTimeout, "deep-audit read timeout");
  }

  private static void requirePositive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }

  /** Deep-audit every n-th complete snapshot; 0 = on demand only. */
  public DeepAuditSettings withSample(int n) {
    return new DeepAuditSettings(n, queueCapacity, answerTimeout, readTimeout);
  }

  public DeepAuditSettings withQueueCapacity(int n) {
    return new DeepAuditSettings(sample, n, answerTimeout, readTimeout);
  }

  public DeepAuditSettings withAnswerTimeout(Duration d) {
    return new DeepAuditSettings(sample, queueCapacity, d, readTimeout);
  }

  public DeepAuditSettings withReadTimeout(Duration d) {
    return new DeepAuditSettings(sample, queueCapacity, answerTimeout, d);
  }
}
