package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How a node starts: it reads the bank's genesis (and refuses an id that is not a member), fences
 * every earlier instance of itself by initialising its transactional producer, assigns its inputs,
 * and finds where its last commit left it: the latest checkpoint and the committed positions.
 */
final class NodeStart {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** A node ready to run from its last commit. */
  record Started(
      NodeTopology topology,
      Workload workload,
      ProducerSession session,
      KafkaConsumer<byte[], byte[]> consumer,
      NodeInputs inputs,
      Map<TopicPartition, Long> committedPositions,
      NodeState committedState) {}

  private NodeStart() {}

  static Started open(NodeConfig config, BankTopics topics, Clock clock, NodeMetrics metrics) {
    BankGenesis genesis =
        BankSetup.readGenesis(
                config.bootstrapServers(), config.clientOverrides(), topics, SETUP_TIMEOUT)
            .orElseThrow(
                () ->
                    new NodeLoop.FatalNodeError(
                        "bank '"
                            + topics.prefix()
                            + "' has no genesis at "
                            + config.bootstrapServers()
                            + "; run 'snapbank init' first"));
    int n = genesis.getNodes();
    int self = config.nodeId();
    if (self >= n) {
      throw new NodeLoop.FatalNodeError(
          "node id " + self + " is not in a bank of " + n + " nodes (0.." + (n - 1) + ")");
    }
    BankAccounts accounts = ReportCodec.accounts(genesis);
    NodeTopology topology = NodeTopology.complete(self, n);
    ProducerSession session = new ProducerSession(config, topics, clock, metrics);
    KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.committedReader(
            config.bootstrapServers(), config.groupId(), config.clientOverrides());
    NodeInputs inputs = new NodeInputs(topics, topology);
    if (consumer.partitionsFor(inputs.epochs().topic(), SETUP_TIMEOUT).isEmpty()) {
      throw new NodeLoop.FatalNodeError(
          "bank '"
              + topics.prefix()
              + "' has no epoch log ("
              + inputs.epochs().topic()
              + "); run 'snapbank init' to create the topics this release needs");
    }
    consumer.assign(inputs.all());
    Map<TopicPartition, OffsetAndMetadata> offsets =
        consumer.committed(new HashSet<>(inputs.all()), SETUP_TIMEOUT);
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : inputs.all()) {
      OffsetAndMetadata o = offsets.get(tp);
      positions.put(tp, o == null ? 0L : o.offset());
    }
    NodeState state =
        session
            .checkpoints()
            .latest(SETUP_TIMEOUT)
            .map(CheckpointCodec::decode)
            .orElseGet(() -> NodeState.initial(topology, accounts.openingOf(self)));
    return new Started(
        topology,
        new Workload(config.workload(), self, accounts),
        session,
        consumer,
        inputs,
        positions,
        state);
  }
}
