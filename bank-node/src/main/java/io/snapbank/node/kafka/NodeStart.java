package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.registry.IncompatibleSchemaException;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.registry.SchemaRegistrationRefusedException;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How a node starts: it reads the bank's genesis and epoch log (and refuses an id that is not a
 * member), registers its writer schemas in the bank's schema store (and refuses to start when the
 * store refuses them), fences every earlier instance of itself by initialising its transactional
 * producer, finds where its last commit left it (the latest checkpoint, or its start as a member),
 * assigns its inputs and finds their committed positions.
 */
final class NodeStart {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** A node ready to run from its last commit. */
  record Started(
      BankTopics topics,
      KafkaSchemaStore schemas,
      Workload workload,
      ProducerSession session,
      KafkaConsumer<byte[], byte[]> consumer,
      NodeInputs inputs,
      Map<TopicPartition, Long> committedPositions,
      NodeState committedState,
      EpochHistory history,
      BankAccounts genesisAccounts) {}

  private NodeStart() {}

  /**
   * Starts the node on {@code given}'s topics; the topics it returns resolve writer schemas through
   * the bank's schema store, which it also returns (to be closed by the caller).
   */
  static Started open(NodeConfig config, BankTopics given, Clock clock, NodeMetrics metrics) {
    KafkaSchemaStore schemas =
        new KafkaSchemaStore(config.bootstrapServers(), config.clientOverrides(), given);
    try {
      return open(config, given.resolvingWith(schemas), schemas, clock, metrics);
    } catch (RuntimeException e) {
      schemas.close();
      throw e;
    }
  }

  /**
   * Registers the schemas the node writes with in the bank's schema store, before its first record;
   * a release whose schemas the store refuses does not start.
   */
  private static void registerSchemas(NodeConfig config, BankTopics topics) {
    try {
      new SchemaRegistry(config.bootstrapServers(), config.clientOverrides(), topics)
          .registerWriters("node-" + config.nodeId(), List.of());
    } catch (IncompatibleSchemaException | SchemaRegistrationRefusedException e) {
      throw new NodeLoop.FatalNodeError(
          "node " + config.nodeId() + " cannot start: " + e.getMessage());
    }
  }

  /** The bank's topics with its channel partitions, as its genesis sets them. */
  private static BankTopics lanedTopics(BankTopics topics, BankGenesis genesis) {
    try {
      return topics.withLanes(genesis.getChannelPartitions());
    } catch (IllegalArgumentException e) {
      throw new NodeLoop.FatalNodeError(
          "bank '" + topics.prefix() + "' has a genesis this node cannot run: " + e.getMessage());
    }
  }

  /** A node resumes only with the channel layout its checkpoint was written with. */
  private static void requireLanes(NodeState state, BankTopics topics, BankGenesis genesis) {
    NodeTopology t = state.topology();
    boolean hasChannels = !t.incoming().isEmpty() || !t.outgoing().isEmpty();
    if (hasChannels && t.lanes() != topics.lanes()) {
      throw new NodeLoop.FatalNodeError(
          "node "
              + state.nodeId()
              + "'s checkpoint uses "
              + t.lanes()
              + " partitions per channel, bank '"
              + topics.prefix()
              + "' was created with "
              + topics.lanes()
              + "; a bank's channel partitions cannot change");
    }
    String order = genesis.getChannelOrder().name();
    if (!t.order().name().equals(order)) {
      throw new NodeLoop.FatalNodeError(
          "node "
              + state.nodeId()
              + "'s checkpoint keeps channel order "
              + t.order()
              + ", bank '"
              + topics.prefix()
              + "' was created with "
              + order
              + "; a bank's channel order cannot change");
    }
  }

  private static Started open(
      NodeConfig config,
      BankTopics given,
      KafkaSchemaStore schemas,
      Clock clock,
      NodeMetrics metrics) {
    int self = config.nodeId();
    BankGenesis genesis;
    EpochHistory history;
    try (BankReader reader =
        new BankReader(config.bootstrapServers(), config.clientOverrides(), given)) {
      genesis =
          reader
              .genesis()
              .orElseThrow(
                  () ->
                      new NodeLoop.FatalNodeError(
                          "bank '"
                              + given.prefix()
                              + "' has no genesis at "
                              + config.bootstrapServers()
                              + "; run 'snapbank init' first"));
      if (!reader.hasEpochLog()) {
        throw new NodeLoop.FatalNodeError(
            "bank '"
                + given.prefix()
                + "' has no epoch log ("
                + given.epochs().name()
                + "); run 'snapbank init' to create the topics this release needs");
      }
      history = reader.epochs(genesis);
    }
    BankTopics topics = lanedTopics(given, genesis);
    Membership.requireKnown(self, history, topics);
    registerSchemas(config, topics);
    BankAccounts genesisAccounts = ReportCodec.accounts(genesis);
    ProducerSession session = new ProducerSession(config, topics, clock, metrics);
    Optional<NodeState> saved = session.resumePoint(SETUP_TIMEOUT).map(CheckpointCodec::decode);
    Membership membership = Membership.of(self, saved, history, genesisAccounts, topics);
    NodeState state = membership.state();
    requireLanes(state, topics, genesis);
    KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.committedReader(
            config.bootstrapServers(), config.groupId(), config.clientOverrides());
    metrics.probe().consumerOpened(consumer);
    NodeInputs inputs = new NodeInputs(topics, state.topology());
    consumer.assign(inputs.all());
    Map<TopicPartition, OffsetAndMetadata> offsets =
        consumer.committed(new HashSet<>(inputs.all()), SETUP_TIMEOUT);
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : inputs.all()) {
      OffsetAndMetadata o = offsets.get(tp);
      positions.put(tp, o == null ? membership.firstOffsets().getOrDefault(tp, 0L) : o.offset());
    }
    return new Started(
        topics,
        schemas,
        new Workload(config.workload(), self, history.accountsAt(state.epoch(), genesisAccounts)),
        session,
        consumer,
        inputs,
        positions,
        state,
        history,
        genesisAccounts);
  }
}
