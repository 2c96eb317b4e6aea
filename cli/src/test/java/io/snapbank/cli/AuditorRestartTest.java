package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auditor as its own process ({@code snapbank auditor}), killed with SIGKILL and restarted. */
class AuditorRestartTest {
  private static final String PREFIX = "restart";

  private static Process startAuditor(String bootstrap, Path state, Path snapshots, Path log)
      throws Exception {
    return startAuditor(PREFIX, bootstrap, state, snapshots, log);
  }

  private static Process startAuditor(
      String prefix, String bootstrap, Path state, Path snapshots, Path log) throws Exception {
    return NodeProcesses.startAuditor(bootstrap, prefix, state, snapshots, "20s", List.of(), log);
  }

  /** The end offset of partition 0 of {@code topic} now. */
  private static long endOffset(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
    }
  }

  /**
   * Waits until the auditor's consumer group has committed {@code ends} (topic → end offset of its
   * partition 0): with exactly-once, everything it wrote for those records is then committed too.
   */
  private static void awaitConsumed(String bootstrap, String group, Map<String, Long> ends)
      throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    try (Admin admin = BankSetup.admin(bootstrap)) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done = true;
        for (Map.Entry<String, Long> e : ends.entrySet()) {
          OffsetAndMetadata o = committed.get(new TopicPartition(e.getKey(), 0));
          done &= o != null && o.offset() >= e.getValue();
        }
        if (done) {
          return;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the auditor did not consume " + ends + ": " + committed);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Every record of partition 0 of {@code topic} below {@code end}. */
  private static <V> List<V> readTo(String bootstrap, Topic<String, V> topic, long end) {
    List<V> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic.name(), 0);
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 60_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (r.offset() < end) {
            out.add(topic.decode(r.value()));
          }
        }
      }
    }
    return out;
  }

  @Test
  void
      when_the_auditor_is_killed_and_restarted_then_no_pending_snapshot_is_lost_and_no_report_is_duplicated(
          @TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("auditor.log");
    Path state = tmp.resolve("state");
    Path snapshots = tmp.resolve("snapshots");
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), PREFIX, 3, 4, 10_000)) {
      for (int i = 0; i < 3; i++) {
        bank.start(bank.config(i, 200));
      }
      Process auditor = startAuditor(bank.bootstrap, state, snapshots, log);
      for (long id = 1; id <= 4; id++) {
        bank.request(id, List.of());
      }
      bank.readUntil(bank.topics.auditReports(), 1, v -> v.size() >= 4, Duration.ofSeconds(90));
      // snapshots requested around the kill: their reports arrive while the auditor is down
      for (long id = 5; id <= 8; id++) {
        bank.request(id, List.of());
        if (id == 6) {
          auditor.destroyForcibly(); // SIGKILL
          assertTrue(auditor.waitFor(30, TimeUnit.SECONDS));
        }
      }
      bank.reports(8 * 3, Duration.ofSeconds(60));
      auditor = startAuditor(bank.bootstrap, state, snapshots, log);
      bank.readUntil(bank.topics.auditReports(), 1, v -> v.size() >= 8, Duration.ofSeconds(120));
      // a duplicate would come from re-processing input: once the restarted auditor has
      // committed past every report and request, everything it wrote for them is in the log
      awaitConsumed(
          bank.bootstrap,
          PREFIX + "-auditor",
          Map.of(
              bank.topics.snapshotReports().name(),
              endOffset(bank.bootstrap, bank.topics.snapshotReports().name()),
              bank.topics.snapshotRequests().name(),
              endOffset(bank.bootstrap, bank.topics.snapshotRequests().name())));
      long end = endOffset(bank.bootstrap, bank.topics.auditReports().name());
      List<AuditReport> all = readTo(bank.bootstrap, bank.topics.auditReports(), end);
      auditor.destroy();
      auditor.waitFor(30, TimeUnit.SECONDS);

      Map<Long, Integer> count = new TreeMap<>();
      for (AuditReport r : all) {
        count.merge(r.getSnapshotId(), 1, Integer::sum);
        assertEquals(
            AuditStatus.CONSISTENT,
            r.getStatus(),
            r.getProblems() + " log: " + Files.readString(log));
      }
      assertEquals(8, count.size(), "every snapshot reported: " + count);
      for (Map.Entry<Long, Integer> e : count.entrySet()) {
        assertEquals(1, e.getValue(), "snapshot " + e.getKey() + " reported once");
      }
    }
  }

  @Test
  void when_the_auditor_is_down_during_a_restore_then_after_its_restart_it_shows_the_new_timeline(
      @TempDir Path tmp) throws Exception {
    String prefix = "restart-restore";
    Path log = tmp.resolve("auditor.log");
    Path state = tmp.resolve("state");
    Path snapshots = tmp.resolve("snapshots");
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), prefix, 3, 4, 10_000)) {
      for (int i = 0; i < 3; i++) {
        bank.start(bank.config(i, 200));
      }
      Process auditor = startAuditor(prefix, bank.bootstrap, state, snapshots, log);
      bank.request(1, List.of());
      bank.readUntil(bank.topics.auditReports(), 1, v -> v.size() >= 1, Duration.ofSeconds(90));
      auditor.destroyForcibly(); // SIGKILL
      assertTrue(auditor.waitFor(30, TimeUnit.SECONDS));

      bank.request(2, List.of()); // requested in the old timeline, while the auditor is down
      CliTest.Run restore = RestoreTest.restore(prefix, 1, "--reason", "auditor down");
      assertEquals(0, restore.code(), restore.out() + restore.err());
      bank.request(3, List.of());
      auditor = startAuditor(prefix, bank.bootstrap, state, snapshots, log);
      List<ConsumerRecord<byte[], AuditReport>> read =
          bank.readUntil(
              bank.topics.auditReports(),
              1,
              v -> v.stream().anyMatch(r -> r.getSnapshotId() == 3),
              Duration.ofSeconds(120));
      auditor.destroy();
      auditor.waitFor(30, TimeUnit.SECONDS);

      Map<Long, AuditReport> byId = new TreeMap<>();
      read.forEach(r -> byId.put(r.value().getSnapshotId(), r.value()));
      AuditReport old = byId.get(2L);
      assertTrue(
          old != null
              && ((old.getStatus() == AuditStatus.CONSISTENT && old.getEpoch() == 0)
                  || (old.getStatus() == AuditStatus.ABORTED
                      && old.getAbortReason().equals("SUPERSEDED"))),
          "the old timeline's snapshot completed in it or was superseded: "
              + old
              + " log: "
              + Files.readString(log));
      AuditReport first = byId.get(3L);
      assertEquals(AuditStatus.CONSISTENT, first.getStatus(), "the first snapshot after it");
      assertEquals(1, first.getEpoch());
      assertEquals(1, first.getIncarnation());
      String epochs = Files.readString(snapshots.resolve("epochs.json"));
      assertTrue(epochs.contains("auditor down") && epochs.contains("RESTORE"), epochs);
    }
  }
}
