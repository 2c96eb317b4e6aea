package io.snapbank.node.conformance;

/** A case directory or file that does not follow the conformance format; the message says where. */
public final class CaseFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CaseFormatException(String message) {
    super(message);
  }
}
