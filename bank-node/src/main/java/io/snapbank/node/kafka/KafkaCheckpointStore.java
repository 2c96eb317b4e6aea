package io.snapbank.node.kafka;

import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Checkpoints in partition {@code nodeId} of the compacted {@code <prefix>.node-state} topic, keyed
 * by the node id. The latest is found by scanning back from the end in growing windows, reading
 * only committed records.
 */
public final class KafkaCheckpointStore implements CheckpointStore {
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final Topic<String, NodeCheckpoint> topic;
  private final int nodeId;
  private final Producer<byte[], byte[]> producer;

  /**
   * @param producer the node's transactional producer (null for a store that is only read)
   */
  public KafkaCheckpointStore(
      String bootstrap,
      Map<String, String> overrides,
      BankTopics topics,
      int nodeId,
      Producer<byte[], byte[]> producer) {
    this.bootstrap = bootstrap;
    this.overrides = overrides;
    this.topic = topics.nodeState();
    this.nodeId = nodeId;
    this.producer = producer;
  }

  /** The latest committed checkpoint of node {@code nodeId}. */
  public static Optional<NodeCheckpoint> latest(
      String bootstrap, BankTopics topics, int nodeId, Duration timeout) {
    return new KafkaCheckpointStore(bootstrap, Map.of(), topics, nodeId, null).latest(timeout);
  }

  @Override
  public Optional<NodeCheckpoint> latest(Duration timeout) {
    TopicPartition tp = new TopicPartition(topic.name(), nodeId);
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, overrides)) {
      return scanner.lastValue(tp, timeout).map(topic::decode);
    }
  }

  @Override
  public void append(NodeCheckpoint checkpoint) {
    producer.send(
        new ProducerRecord<>(
            topic.name(),
            nodeId,
            Integer.toString(nodeId).getBytes(StandardCharsets.UTF_8),
            topic.encode(checkpoint)));
  }
}
