package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.web.DeepAuditAnswer;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.ConsistentCut;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.KafkaObservation;
import io.snapbank.node.kafka.Releases;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.registry.SchemaFingerprint;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades that do not break the log: a bank whose log holds records of the released v1 schemas and
 * of v2 schemas (an added optional field), and a rolling upgrade of the nodes under load. Other
 * releases are simulated by nodes whose serdes write with that release's schemas ({@link
 * Releases}); they register those schemas at start, as every process does.
 */
class SchemaUpgradeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Committed records of partition 0 of {@code topic}, read up to its end as of now. */
  static int committed(String topic) {
    int[] n = new int[1];
    try (PartitionScanner s = new PartitionScanner(SharedBroker.bootstrap(), Map.of())) {
      s.scanAll(new TopicPartition(topic, 0), WAIT, r -> n[0]++);
    }
    return n[0];
  }

  /**
   * The writer schema fingerprints of the channel records sender {@code from} wrote to {@code to}.
   */
  static Set<SchemaFingerprint> writers(BankTopics topics, int from, int to) {
    Set<SchemaFingerprint> out = new HashSet<>();
    try (PartitionScanner s = new PartitionScanner(SharedBroker.bootstrap(), Map.of())) {
      s.scanAll(
          new TopicPartition(topics.transfers(from).name(), to),
          WAIT,
          r -> SchemaFingerprint.ofPayload(r.value()).ifPresent(out::add));
    }
    return out;
  }

  /** A CONSISTENT snapshot with money in flight. */
  static AuditReport consistentInFlight(AuditedBank b) throws InterruptedException {
    AuditReport r = b.consistent();
    for (int i = 0; i < 10 && r.getInFlightTotal() == 0; i++) {
      r = b.consistent();
    }
    assertTrue(r.getInFlightTotal() > 0, "a snapshot with money in flight: " + r);
    return r;
  }

  static AuditReport deepAudited(AuditedBank b, long id) {
    DeepAuditAnswer a = b.auditor.deepAudit(id);
    assertTrue(a instanceof DeepAuditAnswer.Audited, "deep audit of " + id + ": " + a);
    AuditReport r = ((DeepAuditAnswer.Audited) a).report();
    assertTrue(r.getDeepAudit().getVerified(), "deep audit of " + id + ": " + r.getDeepAudit());
    return r;
  }

  @Test
  void when_the_log_holds_v1_and_v2_records_then_nodes_auditor_deep_audit_and_restore_read_both(
      @TempDir Path tmp) throws Exception {
    String prefix = "upgrade-mixed";
    // a bank created by the v1 release; NodeCheckpoint stays this release's: v1 kept the transfer
    // id counter where this release no longer writes it, so a v1 checkpoint cannot be written
    // faithfully from this release's state
    BankTopics v1 =
        Releases.v1(
            prefix,
            ChannelRecord.class,
            LocalSnapshotReport.class,
            BalanceChange.class,
            BankGenesis.class);
    BankTopics v2 =
        Releases.v2(
            prefix,
            ChannelRecord.class,
            LocalSnapshotReport.class,
            BalanceChange.class,
            NodeCheckpoint.class);
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), v1, 3, tmp, c -> c)) {
      for (int i = 0; i < 3; i++) {
        b.bank.start(b.bank.config(i, 300), v1);
      }
      AuditReport old = consistentInFlight(b);
      b.bank.stopAll();
      for (int i = 0; i < 3; i++) {
        b.bank.start(b.bank.config(i, 300), v2); // reads the v1 records still in flight
      }
      AuditReport newer = consistentInFlight(b);
      assertEquals(
          Set.of(
              SchemaFingerprint.of(Releases.v1().get(ChannelRecord.getClassSchema().getFullName())),
              SchemaFingerprint.of(Releases.v2(ChannelRecord.class))),
          writers(b.bank.topics, 0, 1),
          "channel 0->1 holds v1 and v2 records");

      // the deep audit re-reads v1 ranges and v2 ranges
      assertEquals(old.getInFlightTotal(), sum(deepAudited(b, old.getSnapshotId())));
      assertEquals(newer.getInFlightTotal(), sum(deepAudited(b, newer.getSnapshotId())));

      // a restore to the v1 cut replays its v1 ranges
      CliTest.Run dry = RestoreTest.restore(prefix, old.getSnapshotId(), "--dry-run");
      assertEquals(0, dry.code(), dry.out() + dry.err());
      assertTrue(dry.out().contains("PASS RECORDS_READABLE"), dry.out());
      assertTrue(dry.out().contains("PASS REPLAY_MATCHES"), dry.out());
      CliTest.Run run = RestoreTest.restore(prefix, old.getSnapshotId());
      assertEquals(0, run.code(), run.out() + run.err());
      AuditReport after = b.consistent();
      assertEquals(1, after.getEpoch());
      assertEquals(old.getExpectedTotal(), after.getBalancesTotal() + after.getInFlightTotal());
      b.bank.stopAll();
      for (BankNode n : b.bank.nodes()) {
        assertTrue(n.failure().isEmpty(), () -> "node failed: " + n.failure());
      }
      assertEquals(0, committed(b.bank.topics.quarantine().name()), "nothing quarantined");
      try (KafkaSchemaStore store =
          new KafkaSchemaStore(b.bank.bootstrap, Map.of(), b.bank.topics)) {
        BankObservation all =
            KafkaObservation.read(
                b.bank.bootstrap, b.bank.topics.resolvingWith(store), b.bank.genesis, WAIT);
        Invariants.assertHold(
            Invariants.all().stream().filter(i -> !(i instanceof ConsistentCut)).toList(),
            all,
            "a bank whose log holds v1 and v2 records");
        // v1 reports carry no channel counters, which the cut invariant needs (the auditor skips
        // its counters rule for such reports): it is applied to the snapshots taken since
        BankObservation since =
            new BankObservation(
                all.expectedTotal(),
                all.accounts(),
                all.nodes(),
                all.logs(),
                new TreeMap<>(all.snapshots().tailMap(old.getSnapshotId() + 1)),
                all.truths());
        assertTrue(since.snapshots().containsKey(newer.getSnapshotId()));
        Invariants.assertHold(Invariants.all(), since, "the snapshots of the v2 release");
      }
    }
  }

  @Test
  void when_records_of_a_cut_were_written_with_a_schema_the_store_lost_then_restore_refuses_it(
      @TempDir Path tmp) throws Exception {
    String prefix = "upgrade-unreadable";
    BankTopics v2 = Releases.v2(prefix, ChannelRecord.class);
    try (AuditedBank b =
        new AuditedBank(SharedBroker.bootstrap(), BankTopics.of(prefix), 3, tmp, c -> c)) {
      for (int i = 0; i < 3; i++) {
        b.bank.start(b.bank.config(i, 300), v2);
      }
      AuditReport cut = consistentInFlight(b);
      b.bank.stopAll();
      // an operator deletes the v2 schema from the store (a tombstone for its fingerprint)
      String v2Key = SchemaFingerprint.of(Releases.v2(ChannelRecord.class)).hex();
      b.bank.writeRaw(b.bank.topics.schemas().name(), 0, v2Key, null);

      CliTest.Run refused = RestoreTest.restore(prefix, cut.getSnapshotId(), "--dry-run");
      assertEquals(1, refused.code(), refused.out() + refused.err());
      String line =
          refused.out().lines().filter(l -> l.contains("RECORDS_READABLE")).findFirst().orElse("");
      assertTrue(line.startsWith("  FAIL RECORDS_READABLE: "), refused.out());
      assertTrue(line.contains("register their schemas in " + prefix + ".schemas"), line);
      assertTrue(line.contains("ChannelRecord: UNKNOWN_SCHEMA (writer schema " + v2Key), line);
      assertTrue(refused.out().contains("restorable: no"), refused.out());
      CliTest.Run run = RestoreTest.restore(prefix, cut.getSnapshotId());
      assertEquals(1, run.code(), run.out());
      assertTrue(run.err().contains("FAIL RECORDS_READABLE"), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());

      // registering the schema again makes the cut readable
      Path dir = tmp.resolve("v2");
      SchemasCommandTest.release(dir, Releases.v2(ChannelRecord.class));
      CliTest.Run register =
          CliTest.run(
              "schemas", "register", dir.toString(), "-b", SharedBroker.bootstrap(), "-p", prefix);
      assertEquals(0, register.code(), register.out() + register.err());
      CliTest.Run again = RestoreTest.restore(prefix, cut.getSnapshotId(), "--dry-run");
      assertEquals(0, again.code(), again.out() + again.err());
      assertTrue(again.out().contains("PASS RECORDS_READABLE"), again.out());
    }
  }

  private static long sum(AuditReport r) {
    return r.getDeepAudit().getTransfers().stream().mapToLong(t -> t.getAmount()).sum();
  }

  @Test
  void when_nodes_are_upgraded_one_at_a_time_under_load_then_every_snapshot_stays_consistent(
      @TempDir Path tmp) throws Exception {
    String prefix = "upgrade-rolling";
    int n = 4;
    BankTopics v2 = Releases.v2(prefix, ChannelRecord.class);
    try (AuditedBank b =
        new AuditedBank(
            SharedBroker.bootstrap(),
            BankTopics.of(prefix),
            n,
            tmp,
            c -> c.withRequestPeriod(Duration.ofMillis(500)))) {
      b.startNodes(n, 200);
      awaitReports(b, 2);
      List<BankNode> current = b.bank.nodes();
      for (int i = 0; i < n; i++) {
        b.bank.stop(current.get(i));
        b.bank.start(b.bank.config(i, 200), v2);
        awaitReports(b, b.reports().size() + 2); // snapshots across the restart
      }
      // every snapshot requested so far gets its report: none is left out of the check below
      Set<Long> requested = requested(b.bank.topics);
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (!b.reports().keySet().containsAll(requested)) {
        assertTrue(System.currentTimeMillis() < deadline, "reports of " + requested);
        Thread.sleep(50);
      }
      Map<Long, AuditReport> reports = b.reports();
      b.bank.stopAll();
      for (BankNode node : b.bank.nodes()) {
        assertTrue(node.failure().isEmpty(), () -> "node failed: " + node.failure());
      }
      assertTrue(reports.size() >= 2 + 2 * n, "snapshots taken: " + reports.size());
      reports
          .values()
          .forEach(
              r ->
                  assertEquals(
                      AuditStatus.CONSISTENT,
                      r.getStatus(),
                      "snapshot "
                          + r.getSnapshotId()
                          + ": "
                          + r.getProblems()
                          + " "
                          + r.getAbortReason()));
      assertEquals(0, committed(b.bank.topics.quarantine().name()), "nothing quarantined");
      Schema channelV2 = Releases.v2(ChannelRecord.class);
      assertTrue(
          writers(b.bank.topics, 3, 0).contains(SchemaFingerprint.of(channelV2)),
          "the upgraded nodes wrote v2 channel records");
    }
  }

  /** The snapshots requested so far, read up to the requests topic's end as of now. */
  private static Set<Long> requested(BankTopics topics) {
    Set<Long> out = new HashSet<>();
    try (PartitionScanner s = new PartitionScanner(SharedBroker.bootstrap(), Map.of())) {
      s.scanAll(
          new TopicPartition(topics.snapshotRequests().name(), 0),
          WAIT,
          r -> out.add(topics.snapshotRequests().decode(r.value()).getSnapshotId()));
    }
    return out;
  }

  private static void awaitReports(AuditedBank b, int atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (b.reports().size() < atLeast) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("fewer than " + atLeast + " reports: " + b.reports().keySet());
      }
      Thread.sleep(50);
    }
  }
}
