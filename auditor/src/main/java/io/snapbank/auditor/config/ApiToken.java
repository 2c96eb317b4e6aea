package io.snapbank.auditor.config;

/**
 * The secret a client of the auditor's web API presents for state-changing requests. At least 16
 * characters, printable ASCII without spaces. {@link #toString()} hides it; {@link #matches}
 * compares in time independent of where the strings differ.
 *
 * @param value the token itself
 */
public record ApiToken(String value) {
  public static final int MIN_LENGTH = 16;

  public ApiToken {
    if (value == null || value.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the web API token must have at least " + MIN_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "the web API token must be printable ASCII without spaces");
      }
    }
  }

  /** Whether {@code presented} is this token. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    int diff = presented.length() ^ value.length();
    for (int i = 0; i < presented.length(); i++) {
      diff |= presented.charAt(i) ^ value.charAt(i % value.length());
    }
    return diff == 0;
  }

  @Override
  public String toString() {
    return "ApiToken[hidden]";
  }
}
