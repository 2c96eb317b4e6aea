package io.snapbank.node.kafka;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one transactional producer ({@code transactional.id = <prefix>-node-<id>}), with the
 * transaction's output and the checkpoint store that write through it. Creating a session (and
 * {@link #renew renewing} one) calls {@code initTransactions()}: that aborts whatever an earlier
 * instance of the node left open and fences that instance. Used from the loop thread.
 *
 * <p>Kafka fences a producer when another instance of the node called {@code initTransactions()}
 * with the same transactional id, and also when the transaction coordinator ended a transaction on
 * its own: it outlived {@code transaction.timeout.ms} (a paused broker, a stalled process), or the
 * coordinator moved to another broker; it does not tell these apart. A fenced session {@link
 * #reclaim reclaims} the node unless another instance shows itself. Every checkpoint carries the
 * {@link NodeInstance#stamp() stamp} of the instance that wrote it, and every instance commits one
 * as soon as it starts; the latest committed checkpoint must still be the one this instance
 * committed last, before and after its new producer fenced everyone else, which also proves that
 * rewinding to the state this instance holds in memory is right. When the coordinator's record
 * ({@link TransactionCoordinatorView}) does not show a timeout abort, the session first waits a
 * while for a second instance's first checkpoint, so that the newer instance, not the older, goes
 * on. A consumer group with a static {@code group.instance.id} was the alternative; it needs a
 * subscribing consumer next to the node's {@code assign()} one, kept alive by the loop, and the
 * group protocols disagree on which member a duplicate fences, while the coordinator and the
 * checkpoints are already there.
 */
final class ProducerSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerSession.class);
  private static final int COMMIT_RETRIES_WHEN_STOPPING = 3;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** How long a fenced node waits for a second instance's first checkpoint before going on. */
  private static final Duration CLAIM_GRACE = Duration.ofSeconds(15);

  private static final Duration CLAIM_POLL = Duration.ofMillis(200);
  private final NodeConfig config;
  private final BankTopics topics;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final NodeInstance instance = NodeInstance.draw();
  private final CheckpointStore stamped = new StampingStore();
  private Optional<Mark> committed = Optional.empty();
  private Mark pending;
  private Mark unsettled;
  private long lastCommitNanos;
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
    lastCommitNanos = System.nanoTime();
    metrics.probe().producerOpened(producer);
    output = new TransactionOutput(producer, topics, config.nodeId(), clock, metrics);
    checkpoints =
        new KafkaCheckpointStore(
            config.bootstrapServers(), config.clientOverrides(), topics, config.nodeId(), producer);
  }

  TransactionOutput output() {
    return output;
  }

  /** The node's checkpoints; each appended one carries this instance's stamp. */
  CheckpointStore checkpoints() {
    return stamped;
  }

  /**
   * The latest committed checkpoint of the node, which the session takes as where this instance
   * starts from; read after the session fenced every earlier instance.
   */
  Optional<NodeCheckpoint> resumePoint(Duration timeout) {
    Optional<NodeCheckpoint> latest = checkpoints.latest(timeout);
    committed = latest.map(Mark::of);
    return latest;
  }

  /**
   * Takes the node back after a fencing error when no other instance committed since this one's
   * last commit and the coordinator may have timed out its transaction: checks both, replaces the
   * producer (which fences any instance that started meanwhile) and checks the checkpoint again, as
   * a commit may have completed before the new producer fenced it. Returns when the node is this
   * instance's again (logged and counted), and the caller rewinds to its last commit.
   *
   * @throws NodeLoop.FatalNodeError when another instance committed: a second instance took over
   * @throws org.apache.kafka.common.KafkaException when Kafka did not answer; call it again
   */
  void reclaim(KafkaException fenced) {
    Mark attempted = pending;
    Optional<Mark> latest = latest();
    requireHeld(latest, attempted);
    long sinceCommitMs = (System.nanoTime() - lastCommitNanos) / 1_000_000;
    if (!TransactionCoordinatorView.timedOut(
        config.bootstrapServers(),
        config.clientOverrides(),
        config.transactionalId(),
        sinceCommitMs,
        READ_TIMEOUT)) {
      awaitClaim(attempted);
    }
    renew();
    requireHeld(latest(), attempted);
    metrics.resumed();
    LOG.warn(
        "node {}: transaction aborted by the coordinator ({}); resuming from the last commit",
        config.nodeId(),
        fenced.getClass().getSimpleName());
  }

  /**
   * The fence did not come from a transaction timeout, so it may come from a second instance, or
   * from the coordinator itself (it moved to another broker, or ended the transaction while the
   * broker was unreachable). A second instance commits a checkpoint of its own as soon as it
   * starts: waits that long for one, and stops the node when it comes; otherwise the fence was not
   * another instance's and the node is taken back.
   */
  private void awaitClaim(Mark attempted) {
    long deadline = System.nanoTime() + CLAIM_GRACE.toNanos();
    while (System.nanoTime() < deadline) {
      requireHeld(latest(), attempted);
      try {
        Thread.sleep(CLAIM_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new org.apache.kafka.common.errors.InterruptException(e);
      }
    }
    requireHeld(latest(), attempted);
  }

  private Optional<Mark> latest() {
    try {
      return checkpoints.latest(READ_TIMEOUT).map(Mark::of);
    } catch (PartitionScanner.ScanIncompleteException e) {
      throw new TimeoutException("reading the latest checkpoint: " + e.getMessage());
    }
  }

  private void requireHeld(Optional<Mark> latest, Mark attempted) {
    if (latest.equals(committed)) {
      return;
    }
    String stopped = "node " + config.nodeId() + " stopped: ";
    if (attempted != null && latest.equals(Optional.of(attempted))) {
      throw new NodeLoop.FatalNodeError(
          stopped
              + "its last commit went through although Kafka reported it failed;"
              + " start it again to resume from that commit");
    }
    String other =
        latest
            .map(Mark::writer)
            .filter(w -> !w.isEmpty())
            .orElse("an instance of an older release");
    throw new NodeLoop.FatalNodeError(
        stopped
            + "a second instance of node "
            + config.nodeId()
            + " took over: "
            + other
            + " committed after "
            + instance.stamp()
            + " did");
  }

  /**
   * Commits the open transaction with {@code offsets}; a commit whose outcome is unknown (timeout)
   * is retried, never guessed (while stopping, only a few times).
   */
  void commit(
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      boolean running) {
    try {
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
    } catch (KafkaException e) {
      if (KafkaErrors.fatal(e).isEmpty() && !KafkaErrors.fenced(e)) {
        unsettled = pending;
      }
      throw e;
    }
    lastCommitNanos = System.nanoTime();
    if (pending != null) {
      committed = Optional.of(pending);
      pending = null;
    }
    output.closed();
  }

  /**
   * Whether a commit failed without Kafka saying if it went through: the coordinator may have
   * written it before the error reached the client. Until {@link #settle} answers, the node must
   * neither redo that work nor abort it.
   */
  boolean unsettled() {
    return unsettled != null;
  }

  /**
   * Finds out whether the unsettled commit went through: replaces the producer (its {@code
   * initTransactions()} completes a commit the coordinator had begun, or aborts what was left open)
   * and reads the latest committed checkpoint. True when it is the one the failed commit carried:
   * the node then takes that commit as made, never redoing it; false when it is this instance's
   * previous one: nothing of the failed commit was written.
   *
   * @throws NodeLoop.FatalNodeError when another instance committed since
   * @throws org.apache.kafka.common.KafkaException when Kafka did not answer; call it again
   */
  boolean settle() {
    Mark attempted = unsettled;
    renew();
    Optional<Mark> latest = latest();
    unsettled = null;
    if (attempted != null && latest.equals(Optional.of(attempted))) {
      committed = latest;
      lastCommitNanos = System.nanoTime();
      LOG.warn(
          "node {}: a commit Kafka reported as failed went through; going on from it",
          config.nodeId());
      return true;
    }
    requireHeld(latest, null);
    return false;
  }

  /** Aborts the open transaction, if any. */
  void abort() {
    if (output.isOpen()) {
      producer.abortTransaction();
    }
    pending = null;
    output.closed();
  }

  /**
   * Replaces the producer by a new one with the same transactional id: anything the old one left
   * open is aborted and every earlier instance is fenced before the new one writes.
   */
  void renew() {
    pending = null;
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

  /** Which checkpoint a commit wrote: its writer and, within the writer, its number and time. */
  private record Mark(String writer, long transaction, long writtenAtMs) {
    static Mark of(NodeCheckpoint c) {
      return new Mark(c.getWriter(), c.getTransaction(), c.getWrittenAtMs());
    }
  }

  /** Stamps every checkpoint with this instance and remembers it until its transaction ends. */
  private final class StampingStore implements CheckpointStore {
    @Override
    public Optional<NodeCheckpoint> latest(Duration timeout) {
      return checkpoints.latest(timeout);
    }

    @Override
    public void append(NodeCheckpoint checkpoint) {
      checkpoint.setWriter(instance.stamp());
      checkpoints.append(checkpoint);
      pending = Mark.of(checkpoint);
    }
  }
}
