package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.core.ChannelCounterRule;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: committed transfers of a channel republished byte for byte (as a zombie producer or
 * an attacker could) are duplicates the receiver rightly ignores; the auditor must judge every
 * snapshot's channel ranges as the receiver did, so every snapshot stays CONSISTENT and its deep
 * audit verified. A deep audit that counted a duplicate at the start of a range reported a
 * DEEP_AUDIT_MISMATCH ("reports 20 transfers summing 927, the log holds 21 summing 1022").
 */
class RepublishedTransfersTest {
  private static final int SNAPSHOTS = 30;

  private final Map<Long, AuditReport> reports = new ConcurrentHashMap<>();

  /** Republishes every committed transfer of partition 1 of {@code topic} once, byte for byte. */
  private static final class Republisher implements Runnable {
    private final String bootstrap;
    private final Topic<String, ChannelRecord> topic;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong republished = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    Republisher(String bootstrap, Topic<String, ChannelRecord> topic) {
      this.bootstrap = bootstrap;
      this.topic = topic;
    }

    @Override
    public void run() {
      TopicPartition tp = new TopicPartition(topic.name(), 1);
      long lastSeq = 0;
      try (KafkaConsumer<byte[], byte[]> in =
              KafkaClients.committedReader(bootstrap, null, Map.of());
          KafkaProducer<byte[], byte[]> out = KafkaClients.producer(bootstrap, Map.of())) {
        in.assign(List.of(tp));
        in.seekToBeginning(List.of(tp));
        while (!stop.get()) {
          for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(100))) {
            ChannelRecord rec = topic.decode(r.value());
            // each original transfer once; the copies come back with a sequence number seen before
            if (rec.getBody() instanceof Transfer && rec.getSeq() > lastSeq) {
              out.send(new ProducerRecord<>(tp.topic(), tp.partition(), r.key(), r.value()));
              lastSeq = rec.getSeq();
              republished.incrementAndGet();
            }
          }
          out.flush();
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }
  }

  private AuditReport awaitDeepAudit(long id, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      AuditReport r = reports.get(id);
      if (r != null && (r.getDeepAudit() != null || r.getStatus() == AuditStatus.ABORTED)) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no deep-audited report of snapshot " + id + ": " + reports.get(id));
  }

  @Test
  void
      when_committed_transfers_are_republished_during_snapshots_then_the_receiver_ignores_them_and_every_snapshot_is_consistent_and_deep_audit_verified(
          @TempDir Path tmp) throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "replay", 2, 5, 10_000)) {
      BankNode[] nodes = {bank.start(bank.config(0, 300)), bank.start(bank.config(1, 300))};
      Republisher republisher = new Republisher(bank.bootstrap, bank.topics.transfers(0));
      Thread copier = new Thread(republisher, "republisher");
      copier.setDaemon(true);
      copier.start();
      AuditorConfig config =
          AuditorConfig.of(bank.bootstrap, "replay", tmp.resolve("state"))
              .withTimeout(Duration.ofSeconds(30))
              .withPunctuateInterval(Duration.ofMillis(250))
              .withDeepAuditEvery(1);
      try (AuditorApp auditor = new AuditorApp(config)) {
        auditor.onReport(
            r ->
                reports.merge(
                    r.getSnapshotId(),
                    r,
                    (a, b) -> b.getDeepAudit() != null || a.getDeepAudit() == null ? b : a));
        auditor.start();
        assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor running");
        for (long id = 1; id <= SNAPSHOTS; id++) {
          // node 1 initiates: node 0 records a hop later, so channel 0->1's recorded range spans
          // what node 0 and the copier wrote meanwhile, copies included
          bank.request(id, List.of(1));
          Thread.sleep(100); // pacing only: snapshots overlap the republished copies
        }
        for (long id = 1; id <= SNAPSHOTS; id++) {
          AuditReport r = awaitDeepAudit(id, Duration.ofSeconds(90));
          assertEquals(
              AuditStatus.CONSISTENT, r.getStatus(), "snapshot " + id + ": " + r.getProblems());
          assertNotNull(r.getDeepAudit(), "snapshot " + id + " deep-audited");
          assertTrue(
              r.getDeepAudit().getVerified(),
              "snapshot " + id + ": " + r.getDeepAudit().getProblems());
          assertEquals(
              r.getInFlightTotal(),
              r.getDeepAudit().getTransfers().stream().mapToLong(InFlightTransfer::getAmount).sum(),
              "snapshot " + id + ": the listed transfers are the money in flight");
        }
        assertTrue(auditor.failure().isEmpty(), auditor.failure().orElse(""));
      } finally {
        republisher.stop.set(true);
        copier.join(30_000);
      }
      assertTrue(republisher.failure.get() == null, String.valueOf(republisher.failure.get()));
      assertTrue(republisher.republished.get() > 0, "transfers were republished");
      List<QuarantineEnvelope> duplicates =
          bank
              .readUntil(
                  bank.topics.quarantine(),
                  1,
                  v -> v.stream().anyMatch(q -> q.getReason().equals("DUPLICATE_SEQUENCE")),
                  Duration.ofSeconds(30))
              .stream()
              .map(ConsumerRecord::value)
              .filter(q -> q.getReason().equals("DUPLICATE_SEQUENCE"))
              .toList();
      assertTrue(!duplicates.isEmpty(), "node 1 quarantined the copies as duplicates");
      for (QuarantineEnvelope q : duplicates) {
        assertEquals(bank.topics.transfers(0).name(), q.getSourceTopic());
        assertEquals(1, q.getSourcePartition());
      }
      // the case of the regression happened: a recorded range held a copy the receiver ignored
      Set<Long> copies = new HashSet<>();
      try (PartitionScanner scanner = new PartitionScanner(bank.bootstrap, Map.of())) {
        scanner.scanAll(
            new TopicPartition(bank.topics.quarantine().name(), 0),
            Duration.ofSeconds(30),
            r -> {
              QuarantineEnvelope q = bank.topics.quarantine().decode(r.value());
              if (q.getReason().equals("DUPLICATE_SEQUENCE")) {
                copies.add(q.getSourceOffset());
              }
            });
      }
      long rangesWithCopies =
          reports.values().stream()
              .flatMap(r -> r.getChannels().stream())
              .filter(c -> c.getFromNode() == 0 && c.getToNode() == 1)
              .filter(
                  c ->
                      copies.stream()
                          .anyMatch(o -> o >= c.getFirstOffset() && o < c.getMarkerOffset()))
              .count();
      assertTrue(
          rangesWithCopies > 0,
          "some recorded range of channel 0->1 held a republished copy: " + rangesWithCopies);
      for (LocalSnapshotReport r : bank.reports(2 * SNAPSHOTS, Duration.ofSeconds(30))) {
        assertTrue(
            ChannelCounterRule.hasCounters(r),
            "node " + r.getNodeId() + " reported its channel counters: they were checked too");
      }
      for (BankNode n : nodes) {
        assertTrue(n.failure().isEmpty(), "node " + n.nodeId() + ": " + n.failure().orElse(""));
      }
    }
  }
}
