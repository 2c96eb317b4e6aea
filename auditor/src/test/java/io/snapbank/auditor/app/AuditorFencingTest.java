package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.kafka.PartitionScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor's stream task holds a transaction open past {@code transaction.timeout.ms}; its
 * broker aborts it and bumps the producer epoch at once. The auditor must not stop, and every
 * snapshot still gets exactly one committed report.
 */
class AuditorFencingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int SNAPSHOTS = 6;
  private static final int MAX_SNAPSHOTS = 60;

  @Test
  void when_a_stream_transaction_outlives_the_transaction_timeout_then_the_auditor_keeps_running(
      @TempDir Path tmp) throws Exception {
    Path marker = tmp.resolve("stalled");
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "100")
                .start();
        BankFixture bank = new BankFixture(broker.bootstrapServers(), "aud-fence", 2, 4, 10_000)) {
      bank.start(bank.config(0, 200));
      bank.start(bank.config(1, 200));
      AuditorConfig config =
          AuditorConfig.of(bank.bootstrap, "aud-fence", tmp.resolve("state"))
              .withTimeout(Duration.ofSeconds(30))
              // long transactions, so that a send lands in one the coordinator already holds open
              .withCommitInterval(Duration.ofMillis(300))
              .withClientOverrides(
                  Map.of(
                      "producer.transaction.timeout.ms",
                      "1000",
                      "producer.interceptor.classes",
                      StallOnceInterceptor.class.getName(),
                      "producer." + StallOnceInterceptor.MARKER,
                      marker.toString()));
      Map<Long, AuditReport> seen = new ConcurrentHashMap<>();
      try (AuditorApp auditor = new AuditorApp(config)) {
        auditor.onReport(r -> seen.put(r.getSnapshotId(), r));
        auditor.start();
        assertTrue(auditor.awaitRunning(WAIT), "auditor running");
        // the stall needs a send inside an already open transaction: request snapshots until one
        // happened (bounded), then a few more after it
        long requested = 0;
        long after = 0;
        while (requested < MAX_SNAPSHOTS && after < SNAPSHOTS) {
          bank.request(++requested, List.of());
          Thread.sleep(300);
          if (Files.exists(marker)) {
            after++;
          }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.size() < requested && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(Files.exists(marker), "a stream transaction was held open");
        assertEquals(requested, seen.size(), "a report for every snapshot: " + seen.keySet());
        assertEquals(
            "aborted",
            Files.readString(marker, StandardCharsets.UTF_8),
            "the coordinator aborted it");
        assertTrue(auditor.failure().isEmpty(), auditor.failure().orElse(""));
        for (AuditReport r : seen.values()) {
          assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
        }
      }
      assertEquals(
          oneEach(seen.size()),
          committedReportsPerSnapshot(bank),
          "one committed report per snapshot");
    }
  }

  private static Map<Long, Integer> oneEach(long snapshots) {
    Map<Long, Integer> m = new TreeMap<>();
    for (long id = 1; id <= snapshots; id++) {
      m.put(id, 1);
    }
    return m;
  }

  /** Every committed audit report up to the topic's end now, counted by snapshot. */
  private static Map<Long, Integer> committedReportsPerSnapshot(BankFixture bank) {
    Map<Long, Integer> counts = new TreeMap<>();
    String topic = bank.topics.auditReports().name();
    try (PartitionScanner scanner = new PartitionScanner(bank.bootstrap, Map.of())) {
      int partitions = scanner.partitions(topic, WAIT);
      for (int p = 0; p < partitions; p++) {
        scanner.scanAll(
            new TopicPartition(topic, p),
            WAIT,
            r -> {
              AuditReport report =
                  bank.topics
                      .auditReports()
                      .valueSerde()
                      .deserializer()
                      .deserialize(topic, r.value());
              counts.merge(report.getSnapshotId(), 1, Integer::sum);
            });
      }
    }
    return counts;
  }
}
