package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.BankTransactions;
import io.snapbank.node.kafka.KafkaCheckpointStore;
import io.snapbank.node.kafka.KafkaObservation;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCrashRecoveryTest {
  private static final int NODES = 3;
  private static final int KILLED = 1;

  private static Process startNodeProcess(String bootstrap, String prefix, Path log)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.snapbank.cli.Main",
            "node",
            "--bootstrap",
            bootstrap,
            "--prefix",
            prefix,
            "--id",
            Integer.toString(KILLED),
            "--rate",
            "300",
            "--commit-ms",
            "50");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  @Test
  void
      when_a_node_process_is_killed_repeatedly_then_every_transfer_is_credited_exactly_once_and_the_total_holds(
          @TempDir Path tmp) throws Exception {
    String bootstrap = SharedBroker.bootstrap();
    String prefix = "crash";
    Path log = tmp.resolve("node-" + KILLED + ".log");
    try (BankFixture bank = new BankFixture(bootstrap, prefix, NODES, 4, 10_000)) {
      bank.start(bank.config(0, 300));
      bank.start(bank.config(2, 300));
      Process p = startNodeProcess(bootstrap, prefix, log);
      long snapshot = 1;
      for (long pause : new long[] {2500, 1800, 2200, 1500}) {
        Thread.sleep(pause / 2);
        bank.request(snapshot++, List.of());
        Thread.sleep(pause / 2);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        p = startNodeProcess(bootstrap, prefix, log);
      }
      Thread.sleep(2000);
      bank.request(snapshot++, List.of());
      long snapshots = snapshot - 1;
      List<LocalSnapshotReport> reports =
          bank.reports((int) snapshots * NODES, Duration.ofSeconds(90));
      assertEquals(
          snapshots * NODES,
          reports.size(),
          "snapshots started before a kill complete after restart; log: " + Files.readString(log));
      p.destroy(); // SIGTERM: commits and stops cleanly
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      // a JVM ended by SIGTERM exits with 128 + 15 after its shutdown hook stopped the node
      assertEquals(143, p.exitValue(), Files.readString(log));
      assertTrue(!Files.readString(log).contains("error:"), Files.readString(log));
      bank.stopAll();
      for (BankNode node : bank.nodes()) {
        assertTrue(
            node.failure().isEmpty(), () -> "node " + node.nodeId() + " failed: " + node.failure());
        assertTrue(node.stats().transfersSent() > 100, "node " + node.nodeId() + " kept sending");
      }

      // every snapshot conserves the total
      Map<Long, Long> totals = new TreeMap<>();
      for (LocalSnapshotReport r : reports) {
        long t =
            r.getBalances().stream().mapToLong(b -> b.getBalance()).sum()
                + r.getChannels().stream().mapToLong(c -> c.getSum()).sum();
        totals.merge(r.getSnapshotId(), t, Long::sum);
      }
      for (Map.Entry<Long, Long> e : totals.entrySet()) {
        assertEquals(bank.genesis.getTotal(), e.getValue(), "snapshot " + e.getKey());
      }

      // no transaction of this bank is left open
      List<TransactionListing> open =
          BankTransactions.openNow(bootstrap, t -> t.transactionalId().startsWith(prefix + "-"));
      assertTrue(open.isEmpty(), "open transactions " + open);

      // read every channel read_committed: ids unique; credited = below the receiver's committed
      // offset
      Set<String> ids = new HashSet<>();
      long committedTransfers = 0;
      long credited = 0;
      long inFlight = 0;
      for (int j = 0; j < NODES; j++) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = BankSetup.admin(bootstrap)) {
          committed =
              admin
                  .listConsumerGroupOffsets(prefix + "-node-" + j)
                  .partitionsToOffsetAndMetadata()
                  .get();
        }
        for (int i = 0; i < NODES; i++) {
          if (i == j) {
            continue;
          }
          TopicPartition tp = new TopicPartition(bank.topics.transfers(i).name(), j);
          long position = committed.get(tp) == null ? 0 : committed.get(tp).offset();
          for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, tp)) {
            ChannelRecord rec =
                bank.topics
                    .transfers(i)
                    .valueSerde()
                    .deserializer()
                    .deserialize(tp.topic(), r.value());
            if (rec.getBody() instanceof Transfer t) {
              assertTrue(
                  ids.add(t.getTransferId()), "transfer id sent twice: " + t.getTransferId());
              committedTransfers++;
              if (r.offset() < position) {
                credited++;
              } else {
                inFlight += t.getAmount();
              }
            }
          }
        }
      }
      long balances = 0;
      long creditsCounted = 0;
      long sentCounted = 0;
      for (int j = 0; j < NODES; j++) {
        NodeState c =
            CheckpointCodec.decode(
                KafkaCheckpointStore.latest(bootstrap, bank.topics, j, Duration.ofSeconds(30))
                    .orElseThrow());
        balances += c.total();
        creditsCounted += c.received().values().stream().mapToLong(x -> x.count()).sum();
        sentCounted += c.sent().values().stream().mapToLong(x -> x.count()).sum();
      }
      assertTrue(committedTransfers > 500, "transfers ran: " + committedTransfers);
      assertEquals(
          committedTransfers, sentCounted, "every committed transfer counted as sent once");
      assertEquals(credited, creditsCounted, "every consumed transfer credited exactly once");
      assertEquals(
          bank.genesis.getTotal(), balances + inFlight, "balances + unconsumed transfers = total");
      // and the simulator's invariants hold on what Kafka holds
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(bootstrap, bank.topics, bank.genesis, Duration.ofSeconds(60)),
          "bank '" + prefix + "' after " + 4 + " kills, read back from Kafka");
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, TopicPartition tp) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(r);
        }
      }
    }
    return out;
  }
}
