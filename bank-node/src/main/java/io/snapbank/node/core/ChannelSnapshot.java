package io.snapbank.node.core;

import java.util.List;

/**
 * Recorded state of lane {@code lane} of incoming channel {@code from → to}: the transfers at
 * offsets [{@code firstOffset}, {@code markerOffset}) of that lane, {@code count} of them summing
 * to {@code sum}. {@code seqBefore} is the last sequence number the receiver had accepted on the
 * channel when the range began, so the range can be replayed through {@link ChannelRule} exactly as
 * the receiver judged it. {@code messages} lists the transfers only when the engine collects
 * messages, else is empty.
 */
public record ChannelSnapshot(
    int from,
    int to,
    int lane,
    long firstOffset,
    long markerOffset,
    long seqBefore,
    long count,
    long sum,
    List<RecordedMessage> messages,
    long colourBelow) {
  public ChannelSnapshot {
    messages = List.copyOf(messages);
  }

  /** The state of a lane of a FIFO bank. */
  public ChannelSnapshot(
      int from,
      int to,
      int lane,
      long firstOffset,
      long markerOffset,
      long seqBefore,
      long count,
      long sum,
      List<RecordedMessage> messages) {
    this(from, to, lane, firstOffset, markerOffset, seqBefore, count, sum, messages, -1);
  }

  /** The state of a channel of one lane. */
  public ChannelSnapshot(
      int from,
      int to,
      long firstOffset,
      long markerOffset,
      long seqBefore,
      long count,
      long sum,
      List<RecordedMessage> messages) {
    this(from, to, 0, firstOffset, markerOffset, seqBefore, count, sum, messages);
  }
}
