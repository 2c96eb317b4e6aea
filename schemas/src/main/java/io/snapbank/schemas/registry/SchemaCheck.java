package io.snapbank.schemas.registry;

import java.util.List;

/**
 * What one writer schema is to the schema store: already registered, a compatible new version of
 * its subject, the first version of a new subject, or incompatible with an earlier version (with
 * one line per incompatibility). Immutable.
 */
public record SchemaCheck(
    String subject,
    SchemaFingerprint fingerprint,
    Status status,
    String detail,
    List<String> problems) {
  /** How the schema stands. */
  public enum Status {
    /** This exact schema is registered. */
    REGISTERED,
    /** Not registered; compatible both ways with every registered version of its subject. */
    COMPATIBLE,
    /** Not registered and its subject has no version yet. */
    NEW_SUBJECT,
    /** Not registered, and some registered version cannot read its records or it theirs. */
    INCOMPATIBLE
  }

  public SchemaCheck {
    problems = List.copyOf(problems);
  }

  /** Whether the schema can be used: anything but {@link Status#INCOMPATIBLE}. */
  public boolean acceptable() {
    return status != Status.INCOMPATIBLE;
  }

  /** One line: {@code OK io.snapbank.schemas.ChannelRecord (fingerprint): detail}. */
  public String line() {
    return (acceptable() ? "OK " : "INCOMPATIBLE ")
        + subject
        + " ("
        + fingerprint.hex()
        + "): "
        + detail
        + (problems.isEmpty() ? "" : ": " + String.join("; ", problems));
  }
}
