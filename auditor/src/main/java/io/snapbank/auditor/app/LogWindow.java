package io.snapbank.auditor.app;

import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.TopicCreation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Looks at stretches of partitions for an inquiry, read_committed: where a partition's committed
 * and uncommitted ends are (Admin {@code listOffsets} under both isolation levels), the first
 * offset written at or after a time, and the first record from an offset that matches, reading at
 * most a given number of records. Not thread-safe; close it after use.
 */
final class LogWindow implements AutoCloseable {
  /** A partition's two ends: last stable offset (read_committed) and high watermark. */
  record Ends(long lastStable, long highWatermark) {}

  private static final Duration POLL = Duration.ofMillis(100);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final Duration timeout;
  private Admin admin;

  LogWindow(String bootstrap, Map<String, String> overrides, Duration timeout) {
    this.consumer = KafkaClients.committedReader(bootstrap, null, overrides);
    this.bootstrap = bootstrap;
    this.overrides = overrides;
    this.timeout = timeout;
  }

  /** The ends of every partition of {@code partitions}, from one request per isolation level. */
  Map<TopicPartition, Ends> ends(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> committed = latest(partitions, IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> all = latest(partitions, IsolationLevel.READ_UNCOMMITTED);
    Map<TopicPartition, Ends> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp, new Ends(committed.get(tp), all.get(tp)));
    }
    return out;
  }

  private Map<TopicPartition, Long> latest(List<TopicPartition> partitions, IsolationLevel level) {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    if (admin == null) {
      admin = TopicCreation.admin(bootstrap, overrides, timeout);
    }
    try {
      admin
          .listOffsets(spec, new ListOffsetsOptions(level))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> out.put(tp, info.offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while listing offsets", e);
    } catch (ExecutionException e) {
      throw new KafkaException("cannot list offsets: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("Kafka did not list offsets within " + timeout.toMillis() + " ms");
    }
    return out;
  }

  /** The first offset of {@code tp} written at or after {@code ms}, or its committed end. */
  long offsetAt(TopicPartition tp, long ms) {
    OffsetAndTimestamp o = consumer.offsetsForTimes(Map.of(tp, Math.max(0, ms)), timeout).get(tp);
    if (o != null) {
      return o.offset();
    }
    return consumer.endOffsets(List.of(tp), timeout).get(tp);
  }

  /**
   * The offset of the first committed record of {@code tp} in [{@code from}, {@code to}) that
   * {@code match} accepts, reading at most {@code limit} records; -1 when none is found.
   */
  long find(
      TopicPartition tp,
      long from,
      long to,
      long limit,
      Predicate<ConsumerRecord<byte[], byte[]>> match) {
    if (from < 0 || from >= to) {
      return -1;
    }
    long end = Math.min(to, from + limit);
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp, timeout) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
        if (r.offset() >= end) {
          return -1;
        }
        if (r.value() != null && match.test(r)) {
          return r.offset();
        }
      }
    }
    return -1;
  }

  /** Hands {@code sink} every committed record of {@code tp} in [{@code from}, its end). */
  void scanFrom(
      TopicPartition tp,
      long from,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
    if (from >= end) {
      return;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, Math.max(0, from));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp, timeout) < end) {
      if (System.nanoTime() > deadline) {
        throw new KafkaException(tp + " not read to offset " + end + " in time");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
        if (r.offset() < end) {
          sink.accept(r);
        }
      }
    }
  }

  /** The committed end of {@code tp}. */
  long end(TopicPartition tp) {
    return consumer.endOffsets(List.of(tp), timeout).get(tp);
  }

  /** The number of partitions of {@code topic}, 0 when it does not exist. */
  int partitions(String topic) {
    List<?> p = consumer.partitionsFor(topic, timeout);
    return p == null ? 0 : p.size();
  }

  @Override
  public void close() {
    consumer.close();
    if (admin != null) {
      admin.close();
    }
  }
}
