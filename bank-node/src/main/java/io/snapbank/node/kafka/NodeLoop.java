package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.RecordFeeder;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka driver of one node: it polls the node's inputs, decodes them, feeds the {@link
 * NodeCore}, asks the {@link Workload} for transfer orders, and commits what the core did as one
 * transaction per commit interval: the records of its effects, the balance changes, the checkpoint
 * and the consumed offsets. It decides nothing about the bank: every rule is in the core.
 *
 * <p>Inputs: partition {@code self} of every other node's transfers topic (the incoming channels),
 * the snapshot requests and the snapshot aborts, all read_committed with {@code assign()}. Errors
 * are classified once ({@link KafkaErrors}): fatal ones stop the node; any other aborts the
 * transaction and rewinds the core and the positions to the last commit. A commit whose outcome is
 * unknown (timeout) is retried, never guessed.
 */
final class NodeLoop implements AutoCloseable {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
  private static final int COMMIT_RETRIES_WHEN_STOPPING = 3;

  private final NodeConfig config;
  private final BankTopics topics;
  private final Clock clock;
  private final NodeMetrics metrics = new NodeMetrics();
  private final Consumer<NodeStats> statsListener;
  private final LongConsumer creditLatency;
  private final Map<String, Integer> senders = new HashMap<>();
  private final RecordFeeder feeder;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, Long> committedPositions = new HashMap<>();
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private CheckpointStore checkpoints;
  private TransactionOutput output;
  private NodeTopology topology;
  private Workload workload;
  private NodeCore core;
  private NodeState committedState;
  private long transaction;
  private boolean dirty;

  NodeLoop(
      NodeConfig config,
      BankTopics topics,
      Clock clock,
      Consumer<NodeStats> statsListener,
      LongConsumer creditLatency) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
    this.statsListener = statsListener;
    this.creditLatency = creditLatency;
    this.feeder = new RecordFeeder(topics.serdes());
  }

  /** Reads the genesis, fences older instances, and resumes from the latest checkpoint. */
  void open() {
    BankGenesis genesis =
        BankSetup.readGenesis(
                config.bootstrapServers(), config.clientOverrides(), topics, SETUP_TIMEOUT)
            .orElseThrow(
                () ->
                    new FatalNodeError(
                        "bank '"
                            + topics.prefix()
                            + "' has no genesis at "
                            + config.bootstrapServers()
                            + "; run 'snapbank init' first"));
    int n = genesis.getNodes();
    int self = config.nodeId();
    if (self >= n) {
      throw new FatalNodeError(
          "node id " + self + " is not in a bank of " + n + " nodes (0.." + (n - 1) + ")");
    }
    BankAccounts accounts = ReportCodec.accounts(genesis);
    topology = NodeTopology.complete(self, n);
    workload = new Workload(config.workload(), self, accounts);

    producer =
        KafkaClients.transactionalProducer(
            config.bootstrapServers(), config.transactionalId(), config.clientOverrides());
    producer.initTransactions(); // fences an older instance and aborts its open transaction
    consumer =
        KafkaClients.committedReader(
            config.bootstrapServers(), config.groupId(), config.clientOverrides());
    checkpoints =
        new KafkaCheckpointStore(
            config.bootstrapServers(), config.clientOverrides(), topics, self, producer);
    output = new TransactionOutput(producer, topics, self, clock, metrics);

    List<TopicPartition> inputs = new ArrayList<>();
    for (int j : topology.incoming()) {
      TopicPartition tp = new TopicPartition(topics.transfers(j).name(), self);
      inputs.add(tp);
      senders.put(tp.topic(), j);
    }
    inputs.add(new TopicPartition(topics.snapshotRequests().name(), 0));
    inputs.add(new TopicPartition(topics.snapshotAborts().name(), 0));
    consumer.assign(inputs);
    Map<TopicPartition, OffsetAndMetadata> offsets =
        consumer.committed(new HashSet<>(inputs), SETUP_TIMEOUT);
    for (TopicPartition tp : inputs) {
      OffsetAndMetadata o = offsets.get(tp);
      committedPositions.put(tp, o == null ? 0L : o.offset());
    }
    Optional<NodeState> saved = checkpoints.latest(SETUP_TIMEOUT).map(CheckpointCodec::decode);
    committedState = saved.orElseGet(() -> NodeState.initial(topology, accounts.openingOf(self)));
    transaction = 0;
    rewind();
  }

  /** Runs rounds until {@code running} turns false, then commits what is pending. */
  void run(BooleanSupplier running) {
    long txStart = clock.millis();
    while (running.getAsBoolean()) {
      try {
        long now = clock.millis();
        long wait = Math.max(1, Math.min(20, config.commitIntervalMs() - (now - txStart)));
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
          if (!feed(r)) {
            String why = output.halted();
            commit(false);
            throw new FatalNodeError(why);
          }
        }
        generate(clock.millis());
        if (clock.millis() - txStart >= config.commitIntervalMs()) {
          if (dirty) {
            commit(true);
          }
          txStart = clock.millis();
        }
      } catch (WakeupException e) {
        // stop() was called; the loop condition ends it
      } catch (KafkaException e) {
        failOrRewind(e);
        txStart = clock.millis();
      }
    }
    try {
      if (dirty) {
        commit(false);
      }
    } catch (KafkaException e) {
      // the open transaction is aborted by the broker when it times out; nothing was committed
    }
  }

  /** Wakes a blocked poll (from any thread). */
  void wakeup() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** Feeds one record to the core; false when the core halted on it (it is not consumed). */
  private boolean feed(ConsumerRecord<byte[], byte[]> r) {
    output.handling(r);
    Handled h;
    Integer sender = senders.get(r.topic());
    long now = clock.millis();
    if (sender != null) {
      h = channelRecord(sender, r, now);
    } else if (r.topic().equals(topics.snapshotRequests().name())) {
      h = feeder.request(core, r.value(), now);
    } else {
      h = feeder.abort(core, r.value());
    }
    metrics.handled(h);
    dirty = true;
    if (!h.consumed()) {
      return false;
    }
    positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
    return true;
  }

  private Handled channelRecord(int sender, ConsumerRecord<byte[], byte[]> r, long now) {
    RecordFeeder.Fed fed = feeder.channel(core, sender, r.offset(), r.value(), now);
    if (fed.handled() == Handled.CREDITED) {
      long sentAt = ((ChannelMessage.Transfer) fed.message().body()).sentAtMs();
      creditLatency.accept(Math.max(0, now - sentAt));
    }
    return fed.handled();
  }

  private void generate(long now) {
    long backlog = 0;
    for (TopicPartition tp : consumer.assignment()) {
      backlog += consumer.currentLag(tp).orElse(0);
    }
    workload.due(
        now,
        backlog,
        order -> {
          metrics.transfer(core.transfer(order, now));
          dirty = true;
        });
  }

  /** Commits the open work: balance changes, checkpoint and offsets, in one transaction. */
  private void commit(boolean running) {
    output.begin();
    output.flushBalances();
    NodeState state = core.state();
    checkpoints.append(CheckpointCodec.encode(state, transaction + 1, clock.millis()));
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, pos) -> offsets.put(tp, new OffsetAndMetadata(pos)));
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        break;
      } catch (TimeoutException e) {
        // the outcome is unknown: retry the same commit, never guess
        if (!running && attempt >= COMMIT_RETRIES_WHEN_STOPPING) {
          throw e;
        }
      }
    }
    output.closed();
    transaction++;
    metrics.committed();
    committedState = state;
    committedPositions.clear();
    committedPositions.putAll(positions);
    dirty = false;
    statsListener.accept(metrics.stats(committedState));
  }

  private void failOrRewind(KafkaException e) {
    Optional<String> fatal = KafkaErrors.fatal(e);
    if (fatal.isPresent()) {
      throw new FatalNodeError("node " + config.nodeId() + " stopped: " + fatal.get());
    }
    metrics.aborted();
    if (output.isOpen()) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailed) {
        KafkaErrors.fatal(abortFailed)
            .ifPresent(
                why -> {
                  throw new FatalNodeError("node " + config.nodeId() + " stopped: " + why);
                });
        return; // still open: the next round fails again and retries the abort
      }
    }
    rewind();
  }

  /** Replaces the core with the last committed state and seeks back to the committed positions. */
  private void rewind() {
    output.closed();
    core = new NodeCore(topology, committedState, output);
    positions.clear();
    positions.putAll(committedPositions);
    committedPositions.forEach(consumer::seek);
    dirty = false;
    statsListener.accept(metrics.stats(committedState));
  }

  @Override
  public void close() {
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException ignored) {
        // closing after a fatal error
      }
    }
    if (consumer != null) {
      try {
        consumer.close(
            org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      } catch (RuntimeException ignored) {
        // closing after a fatal error
      }
    }
  }

  /** A stop with a message for the operator. */
  static final class FatalNodeError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalNodeError(String message) {
      super(message);
    }
  }
}
