package io.snapbank.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaClusterTest {

  private static void commit(String bootstrap, String value) {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", bootstrap, "transactional.id", "tx-" + value, "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>("t", 0, "k", value));
      p.commitTransaction();
    }
  }

  @Test
  void when_the_leader_member_stops_then_transactions_still_commit_and_it_rejoins_on_restart(
      @TempDir Path dir) throws Exception {
    TopicPartition tp = new TopicPartition("t", 0);
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(dir, 3, 0)) {
      String bootstrap = cluster.bootstrapServers();
      assertEquals(3, bootstrap.split(",").length, bootstrap);
      assertEquals(
          bootstrap, ClusterSpec.read(dir.resolve(ClusterSpec.FILE)).bootstrapServers(), "spec");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin
            .createTopics(List.of(new NewTopic("t", Optional.of(1), Optional.empty())))
            .all()
            .get();
        TopicDescription t = admin.describeTopics(List.of("t")).allTopicNames().get().get("t");
        assertEquals(3, t.partitions().get(0).replicas().size(), "default replication factor");
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "t");
        Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
        assertEquals("2", c.get("min.insync.replicas").value());

        commit(bootstrap, "before");
        int leader = t.partitions().get(0).leader().id();
        int k = leader - 1; // node ids are member index + 1
        cluster.stop(k);
        assertFalse(cluster.running(k));
        commit(bootstrap, "while-one-is-down");
        assertEquals(List.of("before", "while-one-is-down"), CommittedRecords.read(bootstrap, tp));

        cluster.restart(k);
        assertTrue(cluster.running(k));
        commit(bootstrap, "after");
        awaitInSync(admin, "t", leader);
        assertEquals(
            List.of("before", "while-one-is-down", "after"), CommittedRecords.read(bootstrap, tp));
      }
    }
  }

  private static void awaitInSync(Admin admin, String topic, int nodeId) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      TopicDescription t = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      if (t.partitions().get(0).isr().stream().anyMatch(n -> n.id() == nodeId)) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "node " + nodeId + " not back in the ISR");
      Thread.sleep(100);
    }
  }

  @Test
  void when_a_cluster_directory_is_reused_with_another_size_then_one_line_refuses_it(
      @TempDir Path dir) throws Exception {
    ClusterSpec spec = ClusterSpec.loadOrCreate(dir, 3, 0);
    assertTrue(
        Files.readAllLines(dir.resolve(ClusterSpec.FILE))
            .contains("bootstrap.servers=" + spec.bootstrapServers()),
        "the bootstrap list, unescaped, for any reader");
    assertEquals(spec, ClusterSpec.loadOrCreate(dir, 0, 0), "read back as written");
    assertEquals(spec, ClusterSpec.loadOrCreate(dir, 3, 0), "written once");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClusterSpec.loadOrCreate(dir, 5, 0));
    assertTrue(e.getMessage().contains("holds a cluster of 3 brokers, not 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> spec.member(3));
    IllegalArgumentException two =
        assertThrows(IllegalArgumentException.class, () -> ClusterSpec.create(2, 0));
    assertTrue(two.getMessage().startsWith("a cluster has 1 or 3 to 5 brokers, not 2"));
    assertThrows(IllegalArgumentException.class, () -> ClusterSpec.create(0, 0));
  }

  @Test
  void when_a_spec_is_created_from_a_base_port_then_members_take_consecutive_pairs() {
    ClusterSpec spec = ClusterSpec.create(3, 19092);
    assertEquals("127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096", spec.bootstrapServers());
    assertEquals("1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097", spec.quorumVoters());
  }
}
