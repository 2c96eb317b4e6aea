package io.snapbank.node.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.registry.RegisteredSchema;
import io.snapbank.schemas.registry.SchemaFingerprint;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Nodes of different releases on one bank, through the schema store. */
class SchemaReleasesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static int committed(String bootstrap, String topic, int partition) {
    int[] n = new int[1];
    try (PartitionScanner s = new PartitionScanner(bootstrap, Map.of())) {
      s.scanAll(new TopicPartition(topic, partition), WAIT, r -> n[0]++);
    }
    return n[0];
  }

  @Test
  void when_a_node_writes_with_a_newer_compatible_schema_then_every_node_reads_it_unquarantined()
      throws Exception {
    String prefix = "releases-v2";
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), prefix, 3, 4, 10_000)) {
      BankTopics v2 =
          Releases.v2(prefix, ChannelRecord.class, LocalSnapshotReport.class, NodeCheckpoint.class);
      bank.start(bank.config(0, 300));
      bank.start(bank.config(1, 300));
      BankNode newer = bank.start(bank.config(2, 300), v2);
      for (int s = 1; s <= 4; s++) {
        bank.request(s, List.of());
        Thread.sleep(150);
      }
      bank.stop(newer);
      bank.start(bank.config(2, 300), v2); // resumes from its own v2 checkpoint
      for (int s = 5; s <= 8; s++) {
        bank.request(s, List.of());
        Thread.sleep(150);
      }
      try (KafkaSchemaStore store = new KafkaSchemaStore(bank.bootstrap, Map.of(), bank.topics)) {
        BankTopics reader = bank.topics.resolvingWith(store);
        waitForReports(bank, reader, 8 * 3);
        bank.stopAll();
        for (BankNode node : bank.nodes()) {
          assertTrue(node.failure().isEmpty(), () -> "node failed: " + node.failure());
        }
        assertEquals(0, committed(bank.bootstrap, bank.topics.quarantine().name(), 0));
        RegisteredSchema channelV2 =
            store.find(SchemaFingerprint.of(Releases.v2(ChannelRecord.class))).orElseThrow();
        assertEquals(2, channelV2.version());
        assertEquals("node-2", channelV2.registeredBy());

        BankObservation history = KafkaObservation.read(bank.bootstrap, reader, bank.genesis, WAIT);
        assertEquals(8, history.snapshots().size());
        Invariants.assertHold(Invariants.all(), history, "a bank with a node of a newer release");
      }
    }
  }

  private static void waitForReports(BankFixture bank, BankTopics reader, int n)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (committed(bank.bootstrap, reader.snapshotReports().name(), 0) < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("fewer than " + n + " snapshot reports");
      }
      Thread.sleep(100);
    }
  }

  @Test
  void when_a_node_s_release_narrows_a_field_then_it_does_not_start_and_says_why_in_one_line()
      throws Exception {
    String prefix = "releases-narrowed";
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), prefix, 2, 2, 1_000)) {
      BankTopics narrowed =
          new BankTopics(
              prefix,
              bank.topics
                  .serdes()
                  .writingWith(List.of(Releases.narrowed(ChannelRecord.class, "epoch"))),
              1);
      BankNode node = bank.launch(bank.config(0, 300), narrowed);
      assertFalse(node.awaitReady(WAIT), "a node the schema store refuses does not run");
      String why = node.failure().orElseThrow();
      assertEquals(1, why.lines().count(), why);
      assertTrue(
          why.startsWith(
              "node 0 cannot start: schema store releases-narrowed.schemas refuses INCOMPATIBLE"
                  + " io.snapbank.schemas.ChannelRecord"),
          why);
      assertTrue(why.contains("it cannot read records written with version 1"), why);
      assertEquals(0, committed(bank.bootstrap, bank.topics.transfers(0).name(), 1));
      assertEquals(0, committed(bank.bootstrap, bank.topics.nodeState().name(), 0));
      assertEquals(
          bank.topics.serdes().writerSchemas().size() + 1,
          new SchemaRegistry(bank.bootstrap, Map.of(), bank.topics).list().schemas().size(),
          "only the current release's schemas and the store's own, registered by init");
    }
  }
}
