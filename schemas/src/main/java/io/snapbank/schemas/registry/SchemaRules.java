package io.snapbank.schemas.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The schema store's compatibility rule, with Avro's own {@link SchemaCompatibility}: a new version
 * of a subject must be compatible both ways (backward and forward) with every earlier version, so
 * that any release can read what any other wrote. Pure.
 */
public final class SchemaRules {
  private SchemaRules() {}

  /** How {@code candidate} stands against the registered schemas {@code store} (any subjects). */
  public static SchemaCheck judge(Schema candidate, Collection<RegisteredSchema> store) {
    SchemaFingerprint fp = SchemaFingerprint.of(candidate);
    String subject = candidate.getFullName();
    List<RegisteredSchema> versions =
        store.stream()
            .filter(r -> r.subject().equals(subject))
            .sorted(Comparator.comparingInt(RegisteredSchema::version))
            .toList();
    Optional<RegisteredSchema> same =
        versions.stream().filter(r -> r.fingerprint().equals(fp)).findFirst();
    if (same.isPresent()) {
      return new SchemaCheck(
          subject,
          fp,
          SchemaCheck.Status.REGISTERED,
          "registered as version " + same.get().version(),
          List.of());
    }
    if (versions.isEmpty()) {
      return new SchemaCheck(
          subject, fp, SchemaCheck.Status.NEW_SUBJECT, "a new subject (version 1)", List.of());
    }
    List<String> problems = new ArrayList<>();
    for (RegisteredSchema earlier : versions) {
      problems.addAll(incompatibilities(candidate, earlier));
    }
    int next = versions.get(versions.size() - 1).version() + 1;
    return problems.isEmpty()
        ? new SchemaCheck(
            subject,
            fp,
            SchemaCheck.Status.COMPATIBLE,
            "compatible both ways with versions 1.."
                + (next - 1)
                + " (would be version "
                + next
                + ")",
            List.of())
        : new SchemaCheck(
            subject,
            fp,
            SchemaCheck.Status.INCOMPATIBLE,
            "not compatible with the registered versions",
            problems);
  }

  /**
   * Why {@code candidate} and {@code earlier} cannot read each other's records, one line per
   * incompatibility; empty when both directions are compatible.
   */
  public static List<String> incompatibilities(Schema candidate, RegisteredSchema earlier) {
    List<String> out = new ArrayList<>();
    String v = "version " + earlier.version();
    describe(
        SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier.schema()),
        "it cannot read records written with " + v,
        out);
    describe(
        SchemaCompatibility.checkReaderWriterCompatibility(earlier.schema(), candidate),
        "readers of " + v + " cannot read its records",
        out);
    return out;
  }

  private static void describe(
      SchemaCompatibility.SchemaPairCompatibility pair, String direction, List<String> out) {
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    pair.getResult()
        .getIncompatibilities()
        .forEach(
            i ->
                out.add(
                    direction
                        + " ("
                        + i.getType()
                        + " at "
                        + i.getLocation()
                        + ": "
                        + i.getMessage()
                        + ")"));
  }
}
