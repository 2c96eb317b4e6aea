package io.snapbank.auditor.core;

import java.util.Optional;

/**
 * One finding of an audit: why a snapshot is not consistent, with a human-readable detail. In an
 * {@code AuditReport} each problem is one line, {@code "<REASON>: <detail>"}, so a stored report
 * stays readable and its reasons can be recovered with {@link #reasonOf(String)}.
 */
public record Problem(ViolationReason reason, String detail) {
  public Problem {
    if (reason == null || detail == null) {
      throw new IllegalArgumentException("a problem needs a reason and a detail");
    }
  }

  /** The report line of this problem. */
  public String line() {
    return reason.name() + ": " + detail;
  }

  @Override
  public String toString() {
    return line();
  }

  /** The reason a report line starts with, if it starts with one. */
  public static Optional<ViolationReason> reasonOf(String line) {
    if (line == null) {
      return Optional.empty();
    }
    int colon = line.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(ViolationReason.valueOf(line.substring(0, colon)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
