package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.EpochCodec;
import io.snapbank.node.codec.RecordFeeder;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.core.RestoreResult;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka driver of one node: it polls the node's inputs, decodes them, feeds the {@link
 * NodeCore}, asks the {@link Workload} for transfer orders, and commits what the core did as one
 * transaction per commit interval: the records of its effects, the balance changes, the checkpoint
 * and the consumed offsets. It decides nothing about the bank: every rule is in the core.
 *
 * <p>Inputs: partition {@code self} of every other node's transfers topic (the incoming channels),
 * the snapshot requests, the snapshot aborts and the bank's epoch log, all read_committed with
 * {@code assign()}. A restore in the epoch log is applied at once, in a transaction of its own:
 * uncommitted work is abandoned, the producer is renewed (fencing every earlier instance), the core
 * replays the cut's in-flight ranges, and the switch commits. Errors are classified once ({@link
 * KafkaErrors}): fatal ones stop the node; any other aborts the transaction and rewinds the core
 * and the positions to the last commit.
 */
final class NodeLoop implements AutoCloseable {

  /** What became of one polled record. */
  private enum Fed {
    /** Go on with the batch. */
    NEXT,
    /** Positions were rewound: drop the rest of the batch, it is polled again. */
    REPOLL,
    /** The core halted on it. */
    HALT
  }

  private final NodeConfig config;
  private final Clock clock;
  private final NodeMetrics metrics = new NodeMetrics();
  private final Consumer<NodeStats> statsListener;
  private final LongConsumer creditLatency;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, Long> committedPositions = new HashMap<>();
  private BankTopics topics;
  private KafkaSchemaStore schemas;
  private RecordFeeder feeder;
  private NodeInputs inputs;
  private ProducerSession session;
  private KafkaConsumer<byte[], byte[]> consumer;
  private EpochGate gate;
  private NodeTopology topology;
  private Workload workload;
  private NodeCore core;
  private NodeState committedState;
  private long transaction;
  private boolean dirty;
  private String halt;

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
  }

  /** Reads the genesis, fences older instances, and resumes from the latest checkpoint. */
  void open() {
    NodeStart.Started st = NodeStart.open(config, topics, clock, metrics);
    schemas = st.schemas(); // from here on, records of any writer schema the store holds are read
    topics = st.topics();
    feeder = new RecordFeeder(topics.serdes());
    topology = st.topology();
    workload = st.workload();
    session = st.session();
    consumer = st.consumer();
    inputs = st.inputs();
    gate = new EpochGate(consumer, inputs.epochs());
    committedPositions.putAll(st.committedPositions());
    committedState = st.committedState();
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
          Fed fed = feed(r);
          if (fed == Fed.HALT) {
            commit(false);
            throw new FatalNodeError(halt);
          }
          if (fed == Fed.REPOLL) {
            txStart = clock.millis();
            break;
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

  private Fed feed(ConsumerRecord<byte[], byte[]> r) {
    if (inputs.isEpochs(r.topic())) {
      return epoch(r);
    }
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (gate.holds(tp)) {
      return Fed.NEXT; // held back at an earlier record of its channel: it comes again
    }
    session.output().handling(r);
    Handled h;
    Integer sender = inputs.senderOf(r.topic());
    long now = clock.millis();
    if (sender != null) {
      h = channelRecord(sender, r, now);
    } else if (inputs.isRequests(r.topic())) {
      h = feeder.request(core, r.value(), now);
    } else {
      h = feeder.abort(core, r.value());
    }
    metrics.handled(h);
    if (h == Handled.HALTED) {
      halt = session.output().halted();
      dirty = true;
      return Fed.HALT;
    }
    if (h == Handled.WAITING) {
      gate.hold(tp, r.offset());
      return Fed.NEXT;
    }
    consumed(r);
    return Fed.NEXT;
  }

  private Handled channelRecord(int sender, ConsumerRecord<byte[], byte[]> r, long now) {
    RecordFeeder.Fed fed = feeder.channel(core, sender, r.offset(), r.value(), now);
    if (fed.handled() == Handled.WAITING && gate.epochLogCaughtUp(now)) {
      return core.onRecordOfUnknownEpoch(sender, r.offset(), fed.message());
    }
    if (fed.handled() == Handled.CREDITED) {
      long sentAt = ((ChannelMessage.Transfer) fed.message().body()).sentAtMs();
      creditLatency.accept(Math.max(0, now - sentAt));
    }
    return fed.handled();
  }

  /** An entry of the epoch log: a restore switches the node at once, in its own transaction. */
  private Fed epoch(ConsumerRecord<byte[], byte[]> r) {
    BankEpoch e;
    try {
      e = r.value() == null ? null : topics.epochs().decode(r.value());
    } catch (RecordDecodingException ex) {
      e = null;
    }
    if (e == null || e.getEpoch() <= core.epochs().epoch()) {
      if (e == null) {
        session.output().handling(r);
        core.onUnreadableControlRecord("not an epoch record");
      }
      consumed(r);
      return Fed.NEXT;
    }
    if (e.getKind() != EpochKind.RESTORE || e.getRestore() == null) {
      throw new FatalNodeError(
          "node "
              + config.nodeId()
              + " cannot apply epoch "
              + e.getEpoch()
              + " ("
              + e.getKind()
              + "): this release applies restores only");
    }
    // the work since the last commit belongs to the abandoned timeline
    session.abort();
    session.renew();
    rewind();
    session.output().handling(r);
    RestoreResult result;
    try (ChannelRangeReader ranges =
        new ChannelRangeReader(config.bootstrapServers(), topics, config.clientOverrides())) {
      result = core.onRestore(EpochCodec.restorePlan(e, config.nodeId()), ranges);
    }
    if (result.outcome() == RestoreResult.Outcome.REFUSED) {
      throw new FatalNodeError(
          "node "
              + config.nodeId()
              + " cannot restore snapshot "
              + e.getRestore().getSnapshotId()
              + " (epoch "
              + e.getEpoch()
              + "): "
              + result.detail());
    }
    positions.put(inputs.epochs(), r.offset() + 1);
    dirty = true;
    commit(true);
    consumer.seek(inputs.epochs(), r.offset() + 1);
    gate.releaseAll();
    return Fed.REPOLL;
  }

  private void consumed(ConsumerRecord<byte[], byte[]> r) {
    positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
    dirty = true;
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
    TransactionOutput output = session.output();
    output.begin();
    output.flushBalances();
    NodeState state = core.state();
    session.checkpoints().append(CheckpointCodec.encode(state, transaction + 1, clock.millis()));
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, pos) -> offsets.put(tp, new OffsetAndMetadata(pos)));
    session.commit(offsets, consumer.groupMetadata(), running);
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
    try {
      session.abort();
    } catch (KafkaException abortFailed) {
      KafkaErrors.fatal(abortFailed)
          .ifPresent(
              why -> {
                throw new FatalNodeError("node " + config.nodeId() + " stopped: " + why);
              });
      return; // still open: the next round fails again and retries the abort
    }
    rewind();
  }

  /** Replaces the core with the last committed state and seeks back to the committed positions. */
  private void rewind() {
    session.output().closed();
    core = new NodeCore(topology, committedState, session.output());
    gate.reset();
    positions.clear();
    positions.putAll(committedPositions);
    committedPositions.forEach(consumer::seek);
    dirty = false;
    statsListener.accept(metrics.stats(committedState));
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    if (schemas != null) {
      schemas.close();
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
