package io.snapbank.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a cluster's logs with plain Kafka clients: whole topics read_committed up to their last
 * stable offsets, end offsets at both isolation levels, consumer groups' committed offsets.
 */
final class LogReader implements AutoCloseable {
  private final String bootstrap;
  private final String prefix;
  private final AvroFiles avro;
  private final Admin admin;

  LogReader(String bootstrap, String prefix, AvroFiles avro) {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
    this.avro = avro;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.admin = Admin.create(p);
  }

  String prefix() {
    return prefix;
  }

  /** Every partition of every topic of the cluster (internal topics left out). */
  List<TopicPartition> allPartitions() throws Exception {
    Set<String> names = admin.listTopics().names().get(60, TimeUnit.SECONDS);
    List<TopicPartition> all = new ArrayList<>();
    for (TopicDescription d :
        admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS).values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        all.add(new TopicPartition(d.name(), p.partition()));
      }
    }
    return all;
  }

  /** End offsets at {@code level}: the last stable offset (committed) or the high watermark. */
  Map<TopicPartition, Long> ends(Collection<TopicPartition> tps, IsolationLevel level)
      throws Exception {
    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
    tps.forEach(tp -> q.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(q, new ListOffsetsOptions(level))
        .all()
        .get(60, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** Partitions whose last stable offset is below the high watermark: an open transaction. */
  List<String> openPartitions() throws Exception {
    List<TopicPartition> all = allPartitions();
    Map<TopicPartition, Long> committed = ends(all, IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> written = ends(all, IsolationLevel.READ_UNCOMMITTED);
    Set<String> open = new TreeSet<>();
    for (TopicPartition tp : all) {
      if (!committed.get(tp).equals(written.get(tp))) {
        open.add(
            tp
                + " (last stable "
                + committed.get(tp)
                + ", high watermark "
                + written.get(tp)
                + ")");
      }
    }
    return List.copyOf(open);
  }

  /** Waits until no partition has an open transaction (an orphan one ends at its timeout). */
  void awaitNoOpenTransaction(long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline && !openPartitions().isEmpty()) {
      Thread.sleep(500);
    }
  }

  /** Every partition of {@code topic}, read_committed from the start to {@code ends}. */
  List<LogRecord> read(String topic, Map<TopicPartition, Long> ends) {
    List<TopicPartition> tps =
        ends.keySet().stream().filter(tp -> tp.topic().equals(topic)).toList();
    List<LogRecord> out = new ArrayList<>();
    if (tps.isEmpty()) {
      return out;
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.assign(tps);
      c.seekToBeginning(tps);
      Set<TopicPartition> left = new HashSet<>();
      for (TopicPartition tp : tps) {
        if (c.position(tp) < ends.get(tp)) {
          left.add(tp);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!left.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + left + " to their ends");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < ends.get(tp)) {
            out.add(decode(r));
          }
        }
        left.removeIf(tp -> c.position(tp) >= ends.get(tp));
      }
    }
    return out;
  }

  private LogRecord decode(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    try {
      return new LogRecord(r.topic(), r.partition(), r.offset(), key, avro.decode(r.value()), null);
    } catch (IllegalArgumentException e) {
      return new LogRecord(r.topic(), r.partition(), r.offset(), key, null, e.getMessage());
    }
  }

  /** The offsets consumer group {@code group} committed (missing: nothing committed). */
  Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> m =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(60, TimeUnit.SECONDS);
    m.forEach(
        (tp, o) -> {
          if (o != null) {
            out.put(tp, o.offset());
          }
        });
    return out;
  }

  /**
   * Waits until every snapshot requested on the bank has an audit report; returns null, or what is
   * still missing at the timeout.
   */
  String awaitReports(long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      Set<String> missing = missingReports();
      if (missing.isEmpty()) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        return missing.size()
            + " requested snapshots without a report, e.g. "
            + missing.iterator().next();
      }
      Thread.sleep(1000);
    }
  }

  private Set<String> missingReports() throws Exception {
    String requests = prefix + ".snapshot-requests";
    String reports = prefix + ".audit-reports";
    List<TopicPartition> tps =
        List.of(new TopicPartition(requests, 0), new TopicPartition(reports, 0));
    Map<TopicPartition, Long> ends = ends(tps, IsolationLevel.READ_COMMITTED);
    Set<String> missing = new TreeSet<>();
    for (LogRecord r : read(requests, ends)) {
      if (r.value() != null) {
        missing.add(r.value().get("snapshotId").toString());
      }
    }
    for (LogRecord r : read(reports, ends)) {
      if (r.value() != null) {
        missing.remove(r.value().get("snapshotId").toString());
      }
    }
    return missing;
  }

  @Override
  public void close() {
    admin.close();
  }
}
