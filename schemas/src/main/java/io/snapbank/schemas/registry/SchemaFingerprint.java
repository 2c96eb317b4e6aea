package io.snapbank.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The CRC-64-AVRO (Rabin) fingerprint of a schema's parsing canonical form: what Avro's
 * single-object encoding puts, little-endian, in bytes 2 to 9 of every record, and the key of the
 * schema store. Shown as 16 hex digits.
 */
public record SchemaFingerprint(long value) implements Comparable<SchemaFingerprint> {
  /** Length of the single-object header: the marker {@code C3 01} and the fingerprint. */
  public static final int HEADER_LENGTH = 10;

  /** The fingerprint of {@code schema}. */
  public static SchemaFingerprint of(Schema schema) {
    return new SchemaFingerprint(SchemaNormalization.parsingFingerprint64(schema));
  }

  /** The fingerprint in the header of a single-object encoded payload, if it has one. */
  public static Optional<SchemaFingerprint> ofPayload(byte[] payload) {
    if (payload == null
        || payload.length < HEADER_LENGTH
        || payload[0] != (byte) 0xC3
        || payload[1] != (byte) 0x01) {
      return Optional.empty();
    }
    long v = 0;
    for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
      v = (v << 8) | (payload[i] & 0xFFL);
    }
    return Optional.of(new SchemaFingerprint(v));
  }

  /** Parses 16 hex digits, as {@link #hex()} writes them. */
  public static SchemaFingerprint parse(String hex) {
    if (hex == null || !hex.matches("[0-9a-fA-F]{16}")) {
      throw new IllegalArgumentException("not a schema fingerprint (16 hex digits): " + hex);
    }
    return new SchemaFingerprint(Long.parseUnsignedLong(hex, 16));
  }

  /** The fingerprint as 16 lower-case hex digits. */
  public String hex() {
    return String.format("%016x", value);
  }

  @Override
  public int compareTo(SchemaFingerprint o) {
    return Long.compareUnsigned(value, o.value);
  }

  @Override
  public String toString() {
    return hex();
  }
}
