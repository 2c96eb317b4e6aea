package io.snapbank.auditor.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recorded channel range that a deep audit could not re-read (for example, the log no longer
 * holds it). Nothing is proven wrong about the channel, but it is not verified either.
 */
public record UnreadableRange(int fromNode, int toNode, String reason) {
  private static final Pattern LINE =
      Pattern.compile("channel (-?\\d+)->(-?\\d+) not verified: (.*)", Pattern.DOTALL);

  /** The deep-audit problem line. */
  public String line() {
    return "channel " + fromNode + "->" + toNode + " not verified: " + reason;
  }

  /** The range a deep-audit problem line names, if it is such a line. */
  public static Optional<UnreadableRange> parse(String line) {
    Matcher m = LINE.matcher(line == null ? "" : line);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new UnreadableRange(
              Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
