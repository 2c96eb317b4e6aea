package io.snapbank.cli;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads audit reports from the audit-reports topic (latest report per snapshot id wins). */
final class AuditReports {
  private AuditReports() {}

  /** All reports present now, in topic order, latest version per snapshot. */
  static Map<Long, AuditReport> readAll(
      String bootstrap, Map<String, String> client, BankTopics topics, Duration timeout) {
    Map<Long, AuditReport> out = new LinkedHashMap<>();
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, client)) {
      String name = topics.auditReports().name();
      if (!scanner.exists(name, timeout)) {
        throw new IllegalStateException(
            "topic " + name + " does not exist; run 'snapbank init' first");
      }
      scanner.scanAll(
          new TopicPartition(name, 0),
          timeout,
          r ->
              decode(topics, r)
                  .ifPresent(
                      a -> {
                        out.remove(a.getSnapshotId());
                        out.put(a.getSnapshotId(), a);
                      }));
    }
    return out;
  }

  /** Waits for the first report of {@code snapshotId} written from now on or already present. */
  static Optional<AuditReport> await(
      String bootstrap,
      Map<String, String> client,
      BankTopics topics,
      long snapshotId,
      Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> c = KafkaClients.committedReader(bootstrap, null, client)) {
      TopicPartition tp = partition(c, topics, timeout);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Optional<AuditReport> a = decode(topics, r);
          if (a.isPresent() && a.get().getSnapshotId() == snapshotId) {
            return a;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static TopicPartition partition(
      KafkaConsumer<byte[], byte[]> c, BankTopics topics, Duration timeout) {
    String name = topics.auditReports().name();
    if (c.partitionsFor(name, timeout).isEmpty()) {
      throw new IllegalStateException(
          "topic " + name + " does not exist; run 'snapbank init' first");
    }
    return new TopicPartition(name, 0);
  }

  private static Optional<AuditReport> decode(BankTopics topics, ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          topics.auditReports().valueSerde().deserializer().deserialize(r.topic(), r.value()));
    } catch (RecordDecodingException e) {
      System.err.println(
          "skipping undecodable audit report at offset " + r.offset() + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
