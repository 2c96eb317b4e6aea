package io.snapbank.schemas.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The one way this project reads a stretch of a partition: an assigned, group-less, read_committed
 * consumer that reads {@code [from, to)} in offset order and gives up at a deadline. Transactional
 * control records and aborted batches occupy offsets but are never returned, so a scan ends when
 * the consumer's position reaches {@code to}, not when it has seen {@code to - from} records. Not
 * thread-safe; close it after use.
 */
public final class PartitionScanner implements AutoCloseable {
  /** A scan that did not reach its end in time. */
  public static final class ScanIncompleteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScanIncompleteException(String message) {
      super(message);
    }
  }

  private static final Duration POLL = Duration.ofMillis(100);
  private final KafkaConsumer<byte[], byte[]> consumer;

  public PartitionScanner(String bootstrap, Map<String, String> overrides) {
    this.consumer = KafkaClients.committedReader(bootstrap, null, overrides);
  }

  /** Whether {@code topic} exists. */
  public boolean exists(String topic, Duration timeout) {
    List<?> parts = consumer.partitionsFor(topic, timeout);
    return parts != null && !parts.isEmpty();
  }

  /** Number of partitions of {@code topic} (0 when it does not exist). */
  public int partitions(String topic, Duration timeout) {
    List<?> parts = consumer.partitionsFor(topic, timeout);
    return parts == null ? 0 : parts.size();
  }

  /** The log start offset of {@code tp}: lower offsets are gone (retention, deletion). */
  public long start(TopicPartition tp, Duration timeout) {
    return consumer.beginningOffsets(List.of(tp), timeout).get(tp);
  }

  /** The end for a committed reader: the last stable offset. */
  public long end(TopicPartition tp, Duration timeout) {
    return consumer.endOffsets(List.of(tp), timeout).get(tp);
  }

  /**
   * Hands {@code sink} every committed record of {@code tp} at offsets {@code [from, to)}, in
   * order; throws {@link ScanIncompleteException} if the position has not reached {@code to} within
   * {@code timeout}.
   */
  public void scan(
      TopicPartition tp,
      long from,
      long to,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    if (from >= to) {
      return;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp, timeout) < to) {
      if (System.nanoTime() > deadline) {
        throw new ScanIncompleteException(
            tp
                + " ["
                + from
                + ", "
                + to
                + ") not read within "
                + timeout.toMillis()
                + " ms (read up to offset "
                + consumer.position(tp)
                + ")");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
        if (r.offset() >= from && r.offset() < to) {
          sink.accept(r);
        }
      }
    }
  }

  /** Every committed record of {@code tp} from its start to its end as of now. */
  public void scanAll(
      TopicPartition tp, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    scan(tp, start(tp, timeout), end(tp, timeout), timeout, sink);
  }

  /** The first non-null value of {@code tp}, or empty. */
  public Optional<byte[]> firstValue(TopicPartition tp, Duration timeout) {
    long end = end(tp, timeout);
    long from = start(tp, timeout);
    long window = 16;
    while (from < end) {
      long to = Math.min(end, from + window);
      byte[][] first = new byte[1][];
      scan(
          tp,
          from,
          to,
          timeout,
          r -> {
            if (first[0] == null && r.value() != null) {
              first[0] = r.value();
            }
          });
      if (first[0] != null) {
        return Optional.of(first[0]);
      }
      from = to;
      window *= 4;
    }
    return Optional.empty();
  }

  /**
   * The last non-null value of {@code tp}, or empty, found by reading back from the end in growing
   * windows.
   */
  public Optional<byte[]> lastValue(TopicPartition tp, Duration timeout) {
    long end = end(tp, timeout);
    long begin = start(tp, timeout);
    long window = 64;
    long to = end;
    while (to > begin) {
      long from = Math.max(begin, to - window);
      byte[][] last = new byte[1][];
      scan(
          tp,
          from,
          to,
          timeout,
          r -> {
            if (r.value() != null) {
              last[0] = r.value();
            }
          });
      if (last[0] != null) {
        return Optional.of(last[0]);
      }
      to = from;
      window *= 4;
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
