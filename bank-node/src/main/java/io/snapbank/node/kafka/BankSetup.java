package io.snapbank.node.kafka;

import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.kafka.TopicCreation;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates a bank's topics and writes its genesis, idempotently: existing topics are kept and a
 * genesis already present is never overwritten (the first one stands), so {@code init} can be run
 * any number of times.
 */
public final class BankSetup {
  /** Key of the genesis record. */
  public static final String GENESIS_KEY = "genesis";

  private BankSetup() {}

  /** What {@link #init} found or did. */
  public record InitResult(BankGenesis genesis, boolean created, List<String> topicsCreated) {}

  /**
   * The accounts of a new bank: {@code accountsPerNode} per node, each opening with {@code
   * opening}.
   */
  public static BankGenesis genesis(int nodes, int accountsPerNode, long opening, long nowMs) {
    return genesis(nodes, accountsPerNode, opening, 1, nowMs);
  }

  /** The genesis of a bank whose FIFO channels use {@code channelPartitions} partitions each. */
  public static BankGenesis genesis(
      int nodes, int accountsPerNode, long opening, int channelPartitions, long nowMs) {
    return genesis(nodes, accountsPerNode, opening, channelPartitions, ChannelOrder.FIFO, nowMs);
  }

  /**
   * The genesis of a bank whose channels use {@code channelPartitions} partitions each and keep
   * {@code order}.
   */
  public static BankGenesis genesis(
      int nodes,
      int accountsPerNode,
      long opening,
      int channelPartitions,
      ChannelOrder order,
      long nowMs) {
    if (channelPartitions < 1 || channelPartitions > BankTopics.MAX_LANES) {
      throw new IllegalArgumentException(
          "--channel-partitions must be 1.." + BankTopics.MAX_LANES + ", not " + channelPartitions);
    }
    if (nodes < 2) {
      throw new IllegalArgumentException("a bank needs at least 2 nodes, got " + nodes);
    }
    if (accountsPerNode < 1 || opening < 0) {
      throw new IllegalArgumentException(
          "need >= 1 account per node and a non-negative opening balance");
    }
    List<GenesisAccount> accounts = new ArrayList<>();
    long total = 0;
    for (int n = 0; n < nodes; n++) {
      for (int a = 0; a < accountsPerNode; a++) {
        accounts.add(new GenesisAccount(n, accountName(n, a), opening));
        total = Math.addExact(total, opening);
      }
    }
    return new BankGenesis(nodes, total, accounts, nowMs, "", channelPartitions, order, 1);
  }

  public static String accountName(int node, int index) {
    return String.format("n%d-a%03d", node, index);
  }

  public static Admin admin(String bootstrap) {
    return admin(bootstrap, Map.of());
  }

  /** An admin client with {@code overrides} (security settings, for one) applied. */
  public static Admin admin(String bootstrap, Map<String, String> overrides) {
    return TopicCreation.admin(bootstrap, overrides, Duration.ofSeconds(30));
  }

  /**
   * Creates missing topics, registers the release's writer schemas in the schema store, and writes
   * {@code genesis} unless one exists; returns the genesis in force. Throws {@link
   * io.snapbank.schemas.registry.IncompatibleSchemaException} when the store refuses the schemas.
   */
  public static InitResult init(String bootstrap, BankTopics topics, BankGenesis genesis)
      throws InterruptedException {
    return init(bootstrap, Map.of(), topics, genesis);
  }

  /** {@link #init(String, BankTopics, BankGenesis)} with the client settings {@code overrides}. */
  public static InitResult init(
      String bootstrap, Map<String, String> overrides, BankTopics topics, BankGenesis genesis)
      throws InterruptedException {
    Optional<BankGenesis> existing =
        readGenesis(bootstrap, overrides, topics, Duration.ofSeconds(30));
    if (existing.isPresent()) {
      requireSame(topics, existing.get(), genesis);
    }
    BankTopics laned = topics.withLanes(genesis.getChannelPartitions());
    List<String> created =
        TopicCreation.createMissing(
            bootstrap,
            overrides,
            topicsOf(laned, genesis.getNodes(), genesis.getReportPartitions()),
            Duration.ofSeconds(15));
    new SchemaRegistry(bootstrap, overrides, topics).registerWriters("init", List.of());
    if (existing.isPresent()) {
      return new InitResult(existing.get(), false, created);
    }
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, overrides)) {
      p.send(
          new ProducerRecord<>(
              topics.genesis().name(),
              0,
              GENESIS_KEY.getBytes(),
              topics
                  .genesis()
                  .valueSerde()
                  .serializer()
                  .serialize(topics.genesis().name(), genesis)));
      p.flush();
    }
    return new InitResult(genesis, true, created);
  }

  /** An existing bank is never changed by init: its nodes and channel partitions stay. */
  private static void requireSame(BankTopics topics, BankGenesis existing, BankGenesis wanted) {
    if (existing.getNodes() != wanted.getNodes()) {
      throw new IllegalStateException(
          "bank '"
              + topics.prefix()
              + "' already exists with "
              + existing.getNodes()
              + " nodes; not changing it");
    }
    if (existing.getChannelOrder() != wanted.getChannelOrder()) {
      throw new IllegalStateException(
          "bank '"
              + topics.prefix()
              + "' already exists with channel order "
              + existing.getChannelOrder().name().toLowerCase(java.util.Locale.ROOT)
              + "; not changing it");
    }
    if (existing.getReportPartitions() != wanted.getReportPartitions()) {
      throw new IllegalStateException(
          "bank '"
              + topics.prefix()
              + "' already exists with "
              + existing.getReportPartitions()
              + " report partitions; not changing it");
    }
    if (existing.getChannelPartitions() != wanted.getChannelPartitions()) {
      throw new IllegalStateException(
          "bank '"
              + topics.prefix()
              + "' already exists with "
              + existing.getChannelPartitions()
              + " partitions per channel; not changing it");
    }
  }

  /**
   * Creates the topics of a bank of {@code nodes} nodes that do not exist yet; returns the names of
   * those it created. Fails with one clear line when Kafka cannot be reached.
   */
  public static List<String> createTopics(
      String bootstrap, Map<String, String> overrides, BankTopics topics, int nodes)
      throws InterruptedException {
    return TopicCreation.createMissing(
        bootstrap, overrides, topicsOf(topics, nodes), Duration.ofSeconds(15));
  }

  /** The topics of a bank of {@code nodes} nodes, its channels of {@code topics.lanes()} lanes. */
  public static List<NewTopic> topicsOf(BankTopics topics, int nodes) {
    return topicsOf(topics, nodes, 1);
  }

  /**
   * The topics of a bank of {@code nodes} nodes, its channels of {@code topics.lanes()} lanes, its
   * snapshot reports over {@code reportPartitions} partitions ({@link ReportPartitions}).
   */
  public static List<NewTopic> topicsOf(BankTopics topics, int nodes, int reportPartitions) {
    Map<String, String> compact =
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    Map<String, String> keep = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    List<NewTopic> out = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      out.add(topic(topics.transfers(i).name(), topics.channelPartitions(nodes), keep));
    }
    out.add(topic(topics.snapshotRequests().name(), 1, keep));
    out.add(topic(topics.snapshotAborts().name(), 1, keep));
    out.add(topic(topics.snapshotReports().name(), ReportPartitions.check(reportPartitions), keep));
    out.add(topic(topics.auditReports().name(), 1, compact));
    out.add(topic(topics.balances().name(), 1, compact));
    out.add(topic(topics.nodeState().name(), nodes, compact));
    out.add(topic(topics.genesis().name(), 1, compact));
    out.add(topic(topics.epochs().name(), 1, compact));
    out.add(topic(topics.quarantine().name(), 1, keep));
    out.add(SchemaRegistry.newTopic(topics.schemas().name()));
    return out;
  }

  /** The channel topic of one sender with {@code partitions} partitions (lanes of its channels). */
  public static NewTopic channelTopic(String name, int partitions) {
    return topic(name, partitions, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
  }

  private static NewTopic topic(String name, int partitions, Map<String, String> config) {
    return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(config);
  }

  /** The bank's genesis, or empty when none was written (or the topic does not exist). */
  public static Optional<BankGenesis> readGenesis(
      String bootstrap, BankTopics topics, Duration timeout) {
    return readGenesis(bootstrap, Map.of(), topics, timeout);
  }

  /** The bank's genesis (the first one written), or empty when there is none. */
  public static Optional<BankGenesis> readGenesis(
      String bootstrap, Map<String, String> overrides, BankTopics topics, Duration timeout) {
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, overrides)) {
      return readGenesis(scanner, topics, timeout);
    }
  }

  /** The bank's genesis read with {@code scanner}, or empty when there is none. */
  static Optional<BankGenesis> readGenesis(
      PartitionScanner scanner, BankTopics topics, Duration timeout) {
    TopicPartition tp = new TopicPartition(topics.genesis().name(), 0);
    if (!scanner.exists(tp.topic(), timeout)) {
      return Optional.empty();
    }
    return scanner.firstValue(tp, timeout).map(topics.genesis()::decode);
  }
}
