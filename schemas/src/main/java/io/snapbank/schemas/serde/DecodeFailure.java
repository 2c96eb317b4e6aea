package io.snapbank.schemas.serde;

/** Why a payload could not be decoded into a record. */
public enum DecodeFailure {
  /** Null or zero-length payload. */
  EMPTY,
  /** The payload does not start with Avro's single-object marker (0xC3 0x01). */
  BAD_HEADER,
  /** The schema fingerprint in the header is not a schema this reader knows. */
  UNKNOWN_SCHEMA,
  /** The payload ends before the record does. */
  TRUNCATED,
  /** The bytes after the header are not a valid encoding of the record. */
  MALFORMED
}
