package io.snapbank.node.core;

/**
 * A recorded lane state: the records of lane {@code lane} of channel {@code from}→{@code to} at
 * offsets [{@code firstOffset}, {@code markerOffset}) that its receiver accepted, {@code count}
 * transfers summing to {@code sum}; {@code seqBefore} is the last sequence number the receiver had
 * accepted on the lane before the range.
 */
public record ChannelRange(
    int from,
    int to,
    int lane,
    long firstOffset,
    long markerOffset,
    long seqBefore,
    long count,
    long sum) {

  /** The range of a channel of one lane. */
  public ChannelRange(
      int from, int to, long firstOffset, long markerOffset, long seqBefore, long count, long sum) {
    this(from, to, 0, firstOffset, markerOffset, seqBefore, count, sum);
  }

  /** The lane, as its receiver names it. */
  public Lane fromLane() {
    return new Lane(from, lane);
  }
}
