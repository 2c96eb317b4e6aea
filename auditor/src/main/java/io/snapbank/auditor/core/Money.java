package io.snapbank.auditor.core;

/** Money for people: minor units shown as major units with thousands separators. Pure. */
public final class Money {
  private Money() {}

  /** {@code 3974162} as {@code 39,741.62}; {@code -5} as {@code -0.05}. */
  public static String format(long minor) {
    boolean negative = minor < 0;
    String digits = Long.toString(minor).replace("-", "");
    while (digits.length() < 3) {
      digits = "0" + digits;
    }
    String major = digits.substring(0, digits.length() - 2);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < major.length(); i++) {
      if (i > 0 && (major.length() - i) % 3 == 0) {
        b.append(',');
      }
      b.append(major.charAt(i));
    }
    return (negative ? "-" : "") + b + "." + digits.substring(digits.length() - 2);
  }

  /** As {@link #format}, with a leading {@code +} for a positive change. */
  public static String signed(long minor) {
    return (minor > 0 ? "+" : "") + format(minor);
  }
}
