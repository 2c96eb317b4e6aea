package io.snapbank.node.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds back channels whose next record was written in an epoch the node has not reached: the
 * partition is paused at that record until the node applies the epoch (then every held channel is
 * released). A record written in an epoch the epoch log does not hold would hold its channel
 * forever; once the epoch log has been handled to its end and the channel is still held, the gate
 * says so ({@link #epochLogCaughtUp}) and the record is offered again to be set aside. Used from
 * the loop thread.
 */
final class EpochGate {
  private static final long CHECK_EVERY_MS = 500;
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition epochs;
  private final java.util.function.LongSupplier epochsHandled;
  private final Map<TopicPartition, Long> held = new HashMap<>();
  private long lastCheckMs;
  private boolean caughtUp;

  /**
   * @param epochsHandled the offset after the last epoch record the node has handled (not merely
   *     fetched: a record fetched in the same poll as the channel record may not be applied yet)
   */
  EpochGate(
      Consumer<byte[], byte[]> consumer,
      TopicPartition epochs,
      java.util.function.LongSupplier epochsHandled) {
    this.consumer = consumer;
    this.epochs = epochs;
    this.epochsHandled = epochsHandled;
  }

  /** Pauses {@code tp} at {@code offset}, the record that waits. */
  void hold(TopicPartition tp, long offset) {
    held.put(tp, offset);
    consumer.pause(List.of(tp));
    consumer.seek(tp, offset);
  }

  /** Whether {@code tp} is held back. */
  boolean holds(TopicPartition tp) {
    return held.containsKey(tp);
  }

  /** The node moved to a new epoch: every held channel may go on. */
  void releaseAll() {
    consumer.resume(held.keySet());
    held.clear();
    caughtUp = false;
  }

  /**
   * Whether the epoch log has been read to its end while channels are held; then the held channels
   * are released so that their records come again.
   */
  boolean epochLogCaughtUp(long nowMs) {
    if (held.isEmpty() || nowMs - lastCheckMs < CHECK_EVERY_MS) {
      return caughtUp;
    }
    lastCheckMs = nowMs;
    long end = consumer.endOffsets(List.of(epochs), Duration.ofSeconds(5)).get(epochs);
    if (epochsHandled.getAsLong() >= end) {
      caughtUp = true;
      consumer.resume(held.keySet());
      held.clear();
    }
    return caughtUp;
  }

  /** Forgets what it held (after a rewind every position is sought again). */
  void reset() {
    consumer.resume(held.keySet());
    held.clear();
    caughtUp = false;
  }
}
