package io.snapbank.node.kafka;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A node's one transactional producer ({@code transactional.id = <prefix>-node-<id>}), with the
 * transaction's output and the checkpoint store that write through it. Creating a session (and
 * {@link #renew renewing} one) calls {@code initTransactions()}: that aborts whatever an earlier
 * instance of the node left open and fences that instance for good. Used from the loop thread.
 */
final class ProducerSession implements AutoCloseable {
  private static final int COMMIT_RETRIES_WHEN_STOPPING = 3;
  private final NodeConfig config;
  private final BankTopics topics;
  private final Clock clock;
  private final NodeMetrics metrics;
  private KafkaProducer<byte[], byte[]> producer;
  private TransactionOutput output;
  private KafkaCheckpointStore checkpoints;

  ProducerSession(NodeConfig config, BankTopics topics, Clock clock, NodeMetrics metrics) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
    this.metrics = metrics;
    open();
  }

  private void open() {
    producer =
        KafkaClients.transactionalProducer(
            config.bootstrapServers(), config.transactionalId(), config.clientOverrides());
    producer.initTransactions();
    metrics.probe().producerOpened(producer);
    output = new TransactionOutput(producer, topics, config.nodeId(), clock, metrics);
    checkpoints =
        new KafkaCheckpointStore(
            config.bootstrapServers(), config.clientOverrides(), topics, config.nodeId(), producer);
  }

  TransactionOutput output() {
    return output;
  }

  CheckpointStore checkpoints() {
    return checkpoints;
  }

  /**
   * Commits the open transaction with {@code offsets}; a commit whose outcome is unknown (timeout)
   * is retried, never guessed (while stopping, only a few times).
   */
  void commit(
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      boolean running) {
    output.begin();
    producer.sendOffsetsToTransaction(offsets, group);
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        break;
      } catch (TimeoutException e) {
        if (!running && attempt >= COMMIT_RETRIES_WHEN_STOPPING) {
          throw e;
        }
      }
    }
    output.closed();
  }

  /** Aborts the open transaction, if any. */
  void abort() {
    if (output.isOpen()) {
      producer.abortTransaction();
    }
    output.closed();
  }

  /**
   * Replaces the producer by a new one with the same transactional id: anything the old one left
   * open is aborted and every earlier instance is fenced before the new one writes.
   */
  void renew() {
    closeProducer();
    open();
  }

  private void closeProducer() {
    try {
      producer.close(Duration.ofSeconds(5));
    } catch (RuntimeException ignored) {
      // closing after a failure: the next initTransactions fences it anyway
    }
  }

  @Override
  public void close() {
    closeProducer();
  }
}
