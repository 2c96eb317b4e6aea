package io.snapbank.auditor.core;

import io.snapbank.schemas.ChannelState;
import java.util.Collection;
import java.util.TreeMap;

/**
 * How the auditor names channels and their lanes in problems, and adds a channel's lanes up. A
 * channel i→j of a bank with P partitions per channel is recorded as one {@link ChannelState} per
 * lane 0..P-1; lane 0 is named {@code i->j}, lane l above 0 {@code i/l->j}. Pure.
 */
public final class ChannelNames {
  private ChannelNames() {}

  /** The channel i→j. */
  public static String channel(int from, int to) {
    return from + "->" + to;
  }

  /** Lane {@code lane} of channel i→j. */
  public static String lane(int from, int lane, int to) {
    return lane == 0 ? channel(from, to) : from + "/" + lane + "->" + to;
  }

  /** The lane a recorded state describes. */
  public static String lane(ChannelState c) {
    return lane(c.getFromNode(), c.getLane(), c.getToNode());
  }

  /** Per channel (named {@link #channel}): {count, sum} of its lanes' recorded states. */
  public static TreeMap<String, long[]> totals(Collection<ChannelState> states) {
    TreeMap<String, long[]> out = new TreeMap<>();
    for (ChannelState c : states) {
      long[] t = out.computeIfAbsent(channel(c.getFromNode(), c.getToNode()), k -> new long[2]);
      t[0] = Math.addExact(t[0], c.getCount());
      t[1] = Math.addExact(t[1], c.getSum());
    }
    return out;
  }
}
