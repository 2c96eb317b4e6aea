package io.snapbank.node.invariants;

import java.util.Comparator;

/**
 * Lane {@code lane} of channel {@code from}→{@code to} (lane 0 is the whole channel when it has one
 * lane): what one log holds.
 */
public record Channel(int from, int to, int lane) implements Comparable<Channel> {
  private static final Comparator<Channel> ORDER =
      Comparator.comparingInt(Channel::from)
          .thenComparingInt(Channel::to)
          .thenComparingInt(Channel::lane);

  /** Lane 0 of channel {@code from}→{@code to}; names the channel as a whole too. */
  public Channel(int from, int to) {
    this(from, to, 0);
  }

  /** The channel this lane belongs to, as lane 0 names it. */
  public Channel pair() {
    return new Channel(from, to);
  }

  /** The receiver's name for this lane. */
  public io.snapbank.node.core.Lane incoming() {
    return new io.snapbank.node.core.Lane(from, lane);
  }

  /** The sender's name for this lane. */
  public io.snapbank.node.core.Lane outgoing() {
    return new io.snapbank.node.core.Lane(to, lane);
  }

  @Override
  public int compareTo(Channel o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return lane == 0 ? from + "->" + to : from + "/" + lane + "->" + to;
  }
}
