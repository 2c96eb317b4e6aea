package io.snapbank.node.core;

/**
 * How many transfers crossed one channel, and how much money they carried: on the sending side the
 * transfers sent, on the receiving side the transfers accepted. Immutable.
 */
public record ChannelCounters(long count, long sum) {
  public static final ChannelCounters ZERO = new ChannelCounters(0, 0);

  public ChannelCounters {
    if (count < 0 || sum < 0) {
      throw new IllegalArgumentException("counters cannot be negative: " + count + ", " + sum);
    }
  }

  /** These counters plus one transfer of {@code amount}. */
  public ChannelCounters plus(long amount) {
    return new ChannelCounters(count + 1, Math.addExact(sum, amount));
  }
}
