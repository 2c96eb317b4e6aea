package io.snapbank.faults;

import java.util.List;

/** What the checker found: the failures (first the most telling) and the run's figures. */
record Verdict(List<String> failures, String figures) {

  Verdict {
    failures = List.copyOf(failures);
  }

  boolean passed() {
    return failures.isEmpty();
  }

  /** {@code PASS figures} or {@code FAIL <first reason> figures}. */
  String line() {
    return passed() ? "PASS " + figures : "FAIL " + failures.get(0) + " | " + figures;
  }
}
