package io.snapbank.node.core;

/**
 * A recorded lane state: the records of lane {@code lane} of channel {@code from}→{@code to} at
 * offsets [{@code firstOffset}, {@code markerOffset}) that its receiver accepted, {@code count}
 * transfers summing to {@code sum}; {@code seqBefore} is the last sequence number the receiver had
 * accepted on the lane before the range; {@code colourBelow}, when not -1 (unordered channels),
 * limits the state to the transfers coloured below it.
 */
public record ChannelRange(
    int from,
    int to,
    int lane,
    long firstOffset,
    long markerOffset,
    long seqBefore,
    long count,
    long sum,
    long colourBelow) {

  /** The range of a channel of one lane of a FIFO bank. */
  public ChannelRange(
      int from, int to, long firstOffset, long markerOffset, long seqBefore, long count, long sum) {
    this(from, to, 0, firstOffset, markerOffset, seqBefore, count, sum, -1);
  }

  /** The lane, as its receiver names it. */
  public Lane fromLane() {
    return new Lane(from, lane);
  }
}
