package io.snapbank.schemas.registry;

import io.snapbank.schemas.SchemaVersion;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A writer schema held by the schema store: version {@code version} of subject {@code subject} (the
 * record's full name), with who registered it and when. Immutable.
 */
public record RegisteredSchema(
    String subject,
    int version,
    SchemaFingerprint fingerprint,
    Schema schema,
    long registeredAtMs,
    String registeredBy) {

  public RegisteredSchema {
    if (!schema.getFullName().equals(subject)) {
      throw new IllegalArgumentException(
          "schema " + schema.getFullName() + " registered under subject " + subject);
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be 1 or more: " + version);
    }
  }

  /** {@code subject} version {@code version} ({@code fingerprint}). */
  public String label() {
    return subject + " v" + version + " (" + fingerprint.hex() + ")";
  }

  /** The entry of the store's topic. */
  public SchemaVersion toRecord() {
    return new SchemaVersion(
        subject, version, fingerprint.value(), schema.toString(), registeredAtMs, registeredBy);
  }

  /**
   * The schema an entry of the store's topic holds; throws {@link IllegalArgumentException} when
   * its schema does not parse or does not have the fingerprint it claims.
   */
  public static RegisteredSchema fromRecord(SchemaVersion v) {
    Schema schema;
    try {
      schema = new Schema.Parser().parse(v.getDefinition());
    } catch (SchemaParseException e) {
      throw new IllegalArgumentException("the schema does not parse: " + e.getMessage(), e);
    }
    SchemaFingerprint fp = SchemaFingerprint.of(schema);
    if (fp.value() != v.getFingerprint()) {
      throw new IllegalArgumentException(
          "the schema's fingerprint is "
              + fp.hex()
              + ", the entry claims "
              + new SchemaFingerprint(v.getFingerprint()).hex());
    }
    return new RegisteredSchema(
        v.getSubject(), v.getVersion(), fp, schema, v.getRegisteredAtMs(), v.getRegisteredBy());
  }
}
