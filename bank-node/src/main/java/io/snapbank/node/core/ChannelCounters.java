package io.snapbank.node.core;

import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

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

  /** {@code counted}, with a zero entry for each of {@code peers} it has none for. */
  public static SortedMap<Integer, ChannelCounters> forEach(
      Collection<Integer> peers, SortedMap<Integer, ChannelCounters> counted) {
    SortedMap<Integer, ChannelCounters> all = new TreeMap<>(counted);
    peers.forEach(p -> all.putIfAbsent(p, ZERO));
    return all;
  }

  /** These counters plus one transfer of {@code amount}. */
  public ChannelCounters plus(long amount) {
    return new ChannelCounters(count + 1, Math.addExact(sum, amount));
  }
}
