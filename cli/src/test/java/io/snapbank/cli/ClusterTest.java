package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.broker.ClusterSpec;
import io.snapbank.broker.EmbeddedKafkaCluster;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bank and its auditor on a three-broker cluster, one broker stopped and restarted under load.
 */
class ClusterTest {
  private static final String PREFIX = "cluster";
  private static final int NODES = 3;

  @Test
  void
      when_a_broker_leading_channel_partitions_stops_and_restarts_under_load_then_snapshots_stay_consistent_and_the_bank_keeps_committing(
          @TempDir Path tmp) throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
      String bootstrap = cluster.bootstrapServers();
      CliTest.Run init =
          CliTest.run(
              "init",
              "--bootstrap",
              bootstrap,
              "--prefix",
              PREFIX,
              "--nodes",
              "3",
              "--accounts",
              "4",
              "--opening",
              "10000");
      assertEquals(0, init.code(), init.out() + init.err());
      assertTrue(init.out().contains("replication factor 3, min.insync.replicas 2"), init.out());
      try (AuditedBank bank = new AuditedBank(bootstrap, PREFIX, NODES, tmp.resolve("state"));
          Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        bank.startNodes(NODES, 200);
        AuditReport first = bank.consistent();
        assertReplicated(admin, "cluster-auditor");

        // a broker leading one of node 0's channels stops while money moves
        TopicPartitionInfo channel = describe(admin, PREFIX + ".transfers.0").partitions().get(1);
        int stopped = channel.leader().id() - 1; // node ids are member index + 1
        long sentBefore = sent(bank);
        cluster.stop(stopped);
        AuditReport whileDown = bank.consistent();
        awaitSentAtLeast(bank, sentBefore + 500);
        assertTrue(whileDown.getSnapshotId() > first.getSnapshotId());

        cluster.restart(stopped);
        long sentAtRestart = sent(bank);
        AuditReport afterRestart = bank.consistent();
        awaitSentAtLeast(bank, sentAtRestart + 500);
        assertTrue(afterRestart.getSnapshotId() > whileDown.getSnapshotId());

        for (BankNode n : bank.bank.nodes()) {
          assertTrue(n.failure().isEmpty(), "node " + n.nodeId() + ": " + n.failure());
        }
        assertTrue(bank.auditor.failure().isEmpty(), "" + bank.auditor.failure());
        for (AuditReport r : bank.reports().values()) {
          assertFalse(r.getStatus() == AuditStatus.VIOLATION, ReportFormat.line(r));
        }
        assertEquals(first.getExpectedTotal(), afterRestart.getExpectedTotal());
      }
    }
  }

  private static long sent(AuditedBank bank) {
    return bank.bank.nodes().stream()
        .mapToLong(n -> n.stats().transfersSent() + n.stats().localTransfers())
        .sum();
  }

  /** Waits until the nodes together have sent {@code atLeast} transfers (committed or not). */
  private static void awaitSentAtLeast(AuditedBank bank, long atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (sent(bank) < atLeast) {
      assertTrue(
          System.currentTimeMillis() < deadline, "the bank stopped at " + sent(bank) + " sent");
      Thread.sleep(100);
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
  }

  /**
   * Every topic of the bank, of the auditor and of its Kafka Streams application (changelogs,
   * repartition topics), and Kafka's offsets and transaction logs: three replicas of each
   * partition, min.insync.replicas 2.
   */
  private static void assertReplicated(Admin admin, String applicationId) throws Exception {
    Set<String> all = new TreeSet<>(admin.listTopics().names().get());
    List<String> ours = new ArrayList<>();
    for (String t : all) {
      if (t.startsWith(PREFIX + ".") || t.startsWith(applicationId + "-")) {
        ours.add(t);
      }
    }
    assertTrue(ours.contains(PREFIX + ".transfers.0"), "" + all);
    assertTrue(ours.contains(PREFIX + ".deep-audits"), "" + all);
    assertTrue(ours.stream().anyMatch(t -> t.endsWith("-changelog")), "Streams' topics: " + all);
    List<String> checked = new ArrayList<>(ours);
    checked.add("__consumer_offsets");
    checked.add("__transaction_state");
    for (TopicDescription d : admin.describeTopics(checked).allTopicNames().get().values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        assertEquals(3, p.replicas().size(), d.name() + " partition " + p.partition());
      }
    }
    List<ConfigResource> resources =
        checked.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
    for (ConfigResource r : resources) {
      assertEquals(
          "2", configs.get(r).get("min.insync.replicas").value(), r.name() + " min.insync");
    }
  }

  /** Starts {@code snapbank broker --cluster-dir dir --member k}, its output appended to a log. */
  private static Process member(Path dir, int k, Path log) throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.snapbank.cli.Main",
            "broker",
            "--cluster-dir",
            dir.toString(),
            "--member",
            Integer.toString(k))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Waits until {@code log} says {@code times} times that the member serves clients. */
  private static void awaitServing(Process p, Path log, int times) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (true) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      if (out.split("Kafka broker running at", -1).length - 1 >= times) {
        return;
      }
      assertTrue(p.isAlive(), "member stopped: " + out);
      assertTrue(System.currentTimeMillis() < deadline, "member not serving: " + out);
      Thread.sleep(200);
    }
  }

  private static void commit(String bootstrap, String topic, String value) {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap, "transactional.id", "tx-" + value),
            new StringSerializer(),
            new StringSerializer())) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>(topic, 0, "k", value));
      p.commitTransaction();
    }
  }

  @Test
  void
      when_member_processes_share_a_cluster_directory_and_one_is_killed_then_writes_go_on_and_it_rejoins_on_the_same_data(
          @TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("cluster");
    Process[] members = new Process[3];
    Path[] logs = new Path[3];
    try {
      for (int k = 0; k < 3; k++) {
        logs[k] = tmp.resolve("member-" + k + ".log");
        members[k] = member(dir, k, logs[k]); // all at once: the first use creates the spec
      }
      for (int k = 0; k < 3; k++) {
        awaitServing(members[k], logs[k], 1);
      }
      String bootstrap = ClusterSpec.read(dir.resolve(ClusterSpec.FILE)).bootstrapServers();
      assertEquals(3, bootstrap.split(",").length);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin
            .createTopics(List.of(new NewTopic("t", Optional.of(1), Optional.empty())))
            .all()
            .get();
        assertEquals(3, describe(admin, "t").partitions().get(0).replicas().size());
        commit(bootstrap, "t", "before");
        members[0].destroyForcibly().waitFor(); // kill -9
        commit(bootstrap, "t", "while-killed");
        members[0] = member(dir, 0, logs[0]);
        awaitServing(members[0], logs[0], 2);
        assertEquals(
            3,
            admin
                .describeCluster(new DescribeClusterOptions().includeFencedBrokers(false))
                .nodes()
                .get()
                .size());
        commit(bootstrap, "t", "after");
        TopicPartition tp = new TopicPartition("t", 0);
        try (KafkaConsumer<String, String> c =
            new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
          c.assign(List.of(tp));
          c.seekToBeginning(List.of(tp));
          long end = c.endOffsets(List.of(tp)).get(tp);
          List<String> seen = new ArrayList<>();
          while (c.position(tp) < end) {
            c.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
          }
          assertEquals(List.of("before", "while-killed", "after"), seen);
        }
      }
    } finally {
      // kill -9: the data is scratch, and a clean stop of all three waits out a lost quorum
      for (Process p : members) {
        if (p != null) {
          p.destroyForcibly().waitFor();
        }
      }
    }
  }

  @Test
  void when_the_demo_runs_on_three_brokers_then_snapshots_are_consistent_and_it_exits_0() {
    CliTest.Run r =
        CliTest.run(
            "demo", "--brokers", "3", "--duration", "15s", "--nodes", "3", "--http-port", "-1");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("starting an embedded Kafka cluster of 3 brokers"), r.out());
    assertTrue(
        r.out().matches("(?s).*Kafka at 127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127.*"), r.out());
    assertFalse(r.out().contains("VIOLATION"), r.out());
    assertTrue(r.out().matches("(?s).*done: [1-9]\\d* consistent, 0 violations.*"), r.out());
  }

  @Test
  void when_cluster_options_are_wrong_then_one_line_and_a_non_zero_exit(@TempDir Path tmp) {
    Path dir = tmp.resolve("c");
    CliTest.Run spec = CliTest.run("broker", "--cluster-dir", dir.toString(), "--init-only");
    assertEquals(0, spec.code(), spec.out() + spec.err());
    assertTrue(
        spec.out()
            .matches(
                "(?s)Kafka cluster of 3 brokers in .*: bootstrap 127\\.0\\.0\\.1:\\d+,"
                    + "127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+;.*"),
        spec.out());
    String[][] wrong = {
      {"broker", "--brokers", "0"},
      {"broker", "--brokers", "2"},
      {"broker", "--brokers", "6"},
      {"broker", "--member", "0"},
      {"broker", "--brokers", "3", "--secure"},
      {"broker", "--cluster-dir", dir.toString(), "--member", "3"},
      {"broker", "--cluster-dir", dir.toString(), "--brokers", "5"},
      {"broker", "--brokers", "3", "--data-dir", tmp.toString()},
      {"demo", "--brokers", "2"},
      {"demo", "--brokers", "3", "--secure"},
    };
    for (String[] args : wrong) {
      CliTest.Run r = CliTest.run(args);
      String line = String.join(" ", args);
      assertEquals(1, r.code(), line + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), line + ": " + r.err());
      assertTrue(r.err().startsWith("error: "), line + ": " + r.err());
      assertFalse(r.err().contains("\tat "), line + ": " + r.err());
    }
  }
}
