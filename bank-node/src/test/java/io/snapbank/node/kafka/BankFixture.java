package io.snapbank.node.kafka;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** A bank on a running broker for tests: init, nodes as threads, requests, and topic readers. */
public final class BankFixture implements AutoCloseable {
  public final String bootstrap;
  public final BankTopics topics;
  public final BankGenesis genesis;
  private final LocalBank bank;

  public BankFixture(String bootstrap, String prefix, int nodes, int accounts, long opening)
      throws InterruptedException {
    this(bootstrap, BankTopics.of(prefix), nodes, accounts, opening);
  }

  /** A bank initialised by {@code release} (its serdes write the genesis). */
  public BankFixture(String bootstrap, BankTopics release, int nodes, int accounts, long opening)
      throws InterruptedException {
    this(bootstrap, release, BankSetup.genesis(nodes, accounts, opening, 0));
  }

  /** A bank initialised by {@code release} with {@code genesis}. */
  public BankFixture(String bootstrap, BankTopics release, BankGenesis genesis)
      throws InterruptedException {
    this.bootstrap = bootstrap;
    this.genesis = BankSetup.init(bootstrap, release, genesis).genesis();
    this.topics = BankTopics.of(release.prefix()).withLanes(this.genesis.getChannelPartitions());
    this.bank = new LocalBank(topics);
  }

  /** Calls {@code hook} with every node started from now on, before it runs. */
  public void onStart(java.util.function.Consumer<BankNode> hook) {
    bank.onStart(hook);
  }

  public NodeConfig config(int node, double rate) {
    return NodeConfig.of(bootstrap, topics.prefix(), node).withRate(rate).withCommitInterval(50);
  }

  public BankNode start(NodeConfig config) throws InterruptedException {
    return bank.startAndAwait(config, Duration.ofSeconds(60));
  }

  /** Starts a node of another release (its own serdes, this bank) and waits until it runs. */
  public BankNode start(NodeConfig config, BankTopics release) throws InterruptedException {
    BankNode node = launch(config, release);
    if (!node.awaitReady(Duration.ofSeconds(60))) {
      throw new IllegalStateException(
          "node " + config.nodeId() + " did not start: " + node.failure().orElse("not running"));
    }
    return node;
  }

  /** Starts a node of another release and returns at once: it may fail to start. */
  public BankNode launch(NodeConfig config, BankTopics release) {
    return bank.start(config, release);
  }

  public void request(long snapshotId, List<Integer> initiators) {
    write(
        topics.snapshotRequests(),
        0,
        Long.toString(snapshotId),
        new SnapshotRequest(snapshotId, initiators, System.currentTimeMillis(), "test", -1L, -1L));
  }

  public <V> void write(Topic<String, V> topic, int partition, String key, V value) {
    writeRaw(
        topic.name(),
        partition,
        key,
        topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  public void writeRaw(String topic, int partition, String key, byte[] value) {
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, Map.of())) {
      p.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads {@code topic} from the start until {@code done} holds for what was read, or times out.
   */
  public <V> List<ConsumerRecord<byte[], V>> readUntil(
      Topic<String, V> topic, int partitions, Predicate<List<V>> done, Duration timeout) {
    List<ConsumerRecord<byte[], V>> out = new ArrayList<>();
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic.name(), p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (!done.test(values) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          V v = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
          values.add(v);
          out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), v));
        }
      }
    }
    return out;
  }

  public List<LocalSnapshotReport> reports(int atLeast, Duration timeout) {
    List<LocalSnapshotReport> out = new ArrayList<>();
    for (ConsumerRecord<byte[], LocalSnapshotReport> r :
        readUntil(topics.snapshotReports(), 1, v -> v.size() >= atLeast, timeout)) {
      out.add(r.value());
    }
    return out;
  }

  public List<QuarantineEnvelope> quarantine(int atLeast, Duration timeout) {
    List<QuarantineEnvelope> out = new ArrayList<>();
    for (ConsumerRecord<byte[], QuarantineEnvelope> r :
        readUntil(topics.quarantine(), 1, v -> v.size() >= atLeast, timeout)) {
      out.add(r.value());
    }
    return out;
  }

  public List<BankNode> nodes() {
    return bank.nodes();
  }

  /** Stops one node (it commits what is pending) and waits for it. */
  public void stop(BankNode node) throws InterruptedException {
    bank.stop(node);
  }

  public void stopAll() throws InterruptedException {
    bank.stopAll();
  }

  @Override
  public void close() throws InterruptedException {
    stopAll();
  }
}
