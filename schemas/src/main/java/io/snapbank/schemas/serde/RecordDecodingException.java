package io.snapbank.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload that is not a valid single-object encoding of the expected record. Carries a typed
 * {@link DecodeFailure} so callers can quarantine the record with a reason instead of guessing.
 */
public final class RecordDecodingException extends SerializationException {
  private static final long serialVersionUID = 1L;
  private final DecodeFailure failure;
  private final String recordType;

  public RecordDecodingException(
      DecodeFailure failure, String recordType, String detail, Throwable cause) {
    super(
        recordType
            + ": "
            + failure
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"),
        cause);
    this.failure = failure;
    this.recordType = recordType;
  }

  public DecodeFailure failure() {
    return failure;
  }

  public String recordType() {
    return recordType;
  }
}
