package io.snapbank.node.kafka;

import io.snapbank.node.codec.RecordFeeder;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.NodeMode;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka driver of one node: it polls the node's inputs, decodes them, feeds the {@link
 * NodeCore}, asks the {@link Workload} for transfer orders, and commits what the core did as one
 * transaction per commit interval: the records of its effects, the balance changes, the checkpoint
 * and the consumed offsets. It decides nothing about the bank: every rule is in the core.
 *
 * <p>Inputs ({@link NodeInputs}): the node's incoming channels, the snapshot requests, the snapshot
 * aborts and the bank's epoch log, all read_committed with {@code assign()}. Entries of the epoch
 * log (restores, membership changes) are applied at once by {@link EpochSwitch}, each committed on
 * its own, after which the inputs follow the node's channels. The last commit, and what a failed
 * transaction leads to, are the {@link CommitBook}'s: fatal errors stop the node; a fenced producer
 * is {@link ProducerSession#reclaim reclaimed} (a transaction the coordinator aborted) or stops the
 * node (a second instance took over); a commit of unknown outcome is settled; any other error
 * aborts the transaction. Unless the node stops, the loop then rewinds the core and the positions
 * to the last commit. Every instance commits a claim (its checkpoint, nothing done) as soon as it
 * starts or reclaims.
 */
final class NodeLoop implements AutoCloseable {
  private final NodeConfig config;
  private BankTopics topics;
  private KafkaSchemaStore schemas;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final Consumer<NodeStats> statsListener;
  private final LongConsumer creditLatency;
  private RecordFeeder feeder;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final EpochHost epochHost = new EpochHost();
  private NodeInputs inputs;
  private ProducerSession session;
  private KafkaConsumer<byte[], byte[]> consumer;
  private EpochGate gate;
  private EpochSwitch epochs;
  private Workload workload;
  private NodeCore core;
  private CommitBook commits;
  private boolean dirty;
  private String halt;
  private boolean gone;

  NodeLoop(
      NodeConfig config,
      BankTopics topics,
      Clock clock,
      Consumer<NodeStats> statsListener,
      LongConsumer creditLatency,
      NodeProbe probe) {
    this.config = config;
    this.metrics = new NodeMetrics(probe);
    this.topics = topics;
    this.clock = clock;
    this.statsListener = statsListener;
    this.creditLatency = creditLatency;
  }

  /** Starts the node ({@link NodeStart}) and resumes from where its last commit left it. */
  void open() {
    NodeStart.Started st = NodeStart.open(config, topics, clock, metrics);
    schemas = st.schemas(); // from here on, records of any writer schema the store holds are read
    topics = st.topics();
    feeder = new RecordFeeder(topics.serdes());
    workload = st.workload();
    session = st.session();
    consumer = st.consumer();
    inputs = st.inputs();
    gate =
        new EpochGate(consumer, inputs.epochs(), () -> positions.getOrDefault(inputs.epochs(), 0L));
    epochs =
        new EpochSwitch(
            config.nodeId(),
            topics,
            () ->
                new ChannelRangeReader(config.bootstrapServers(), topics, config.clientOverrides()),
            st.history(),
            st.genesisAccounts(),
            clock::millis);
    commits =
        new CommitBook(
            session, metrics, clock, config.nodeId(), st.committedState(), st.committedPositions());
    rewind();
    try {
      claim();
    } catch (KafkaException e) {
      failOrRewind(e);
      dirty = true; // claims with the next commit
    }
  }

  /** Whether the node left the bank (the loop then ended on its own). */
  boolean gone() {
    return gone;
  }

  /** Runs rounds until {@code running} turns false or the node leaves, then commits. */
  void run(BooleanSupplier running) {
    long txStart = clock.millis();
    while (running.getAsBoolean() && !gone) {
      try {
        if (commits.pending()) {
          resolve();
          txStart = clock.millis();
          continue;
        }
        long now = clock.millis();
        long wait = Math.max(1, Math.min(20, config.commitIntervalMs() - (now - txStart)));
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(wait));
        polling:
        for (TopicPartition tp : polled.partitions()) {
          for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
            EpochSwitch.Result fed = feed(tp, r);
            if (halt != null) {
              commit(false);
              throw new FatalNodeError(halt);
            }
            if (fed != EpochSwitch.Result.NEXT) {
              txStart = clock.millis();
              break polling;
            }
          }
        }
        generate(clock.millis());
        boolean due = clock.millis() - txStart >= config.commitIntervalMs();
        // a marker or a report is committed at once: the snapshot waits on it, the bank does not
        if (dirty && (due || session.output().holdsSnapshotWork())) {
          commit(true);
          txStart = clock.millis();
        } else if (due) {
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
      if (dirty && !commits.pending()) {
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

  private EpochSwitch.Result feed(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
    if (inputs.isEpochs(r.topic())) {
      EpochSwitch.Result result = epochs.apply(r, epochHost);
      gone = result == EpochSwitch.Result.GONE;
      return result;
    }
    if (gate.holds(tp)) {
      return EpochSwitch.Result.NEXT; // held back at an earlier record of its channel
    }
    session.output().handling(r);
    Handled h;
    Lane sender = inputs.laneOf(tp);
    long now = clock.millis();
    if (sender != null) {
      h = channelRecord(sender, r, now);
    } else if (inputs.isRequests(r.topic())) {
      h = request(r, now);
    } else {
      h = feeder.abort(core, r.value());
    }
    metrics.handled(h);
    if (h == Handled.HALTED) {
      halt = session.output().halted();
      dirty = true;
    } else if (h == Handled.WAITING) {
      gate.hold(tp, r.offset());
    } else {
      consumed(tp, r.offset());
    }
    return EpochSwitch.Result.NEXT;
  }

  private Handled channelRecord(Lane sender, ConsumerRecord<byte[], byte[]> r, long now) {
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

  private Handled request(ConsumerRecord<byte[], byte[]> r, long now) {
    RecordFeeder.FedRequest fed = feeder.request(core, r.value(), now);
    if (fed.handled() == Handled.WAITING && gate.epochLogCaughtUp(now)) {
      return core.onRequestOfUnknownEpoch(fed.call());
    }
    return fed.handled();
  }

  private void consumed(TopicPartition tp, long offset) {
    positions.put(tp, offset + 1);
    dirty = true;
  }

  private void generate(long now) {
    long backlog = 0;
    Map<Integer, Long> lagFrom = new TreeMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      long lag = consumer.currentLag(tp).orElse(0);
      backlog += lag;
      Lane lane = inputs.laneOf(tp);
      if (lane != null) {
        lagFrom.merge(lane.node(), lag, Long::sum);
      }
    }
    lagFrom.forEach(metrics.probe()::incomingLag);
    if (core.mode() != NodeMode.ACTIVE) {
      return; // a node that is leaving makes no transfers of its own
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
    commits.commit(core.state(), positions, consumer::groupMetadata, running);
    dirty = false;
    statsListener.accept(metrics.stats());
  }

  /** After a failed transaction: rewinds when it was aborted (see {@link CommitBook#failed}). */
  private void failOrRewind(KafkaException e) {
    if (commits.failed(e)) {
      rewind();
    }
  }

  /**
   * After a fencing error: takes the node back, rewinds and claims it again; after a commit whose
   * outcome Kafka did not say: settles it and rewinds.
   */
  private void resolve() {
    if (commits.fenced()) {
      commits.reclaim();
      rewind();
      claim();
    } else {
      commits.settle();
      rewind();
    }
  }

  /** Commits the node's state as it is, so another instance fenced by this one sees it. */
  private void claim() {
    dirty = true;
    commit(true);
  }

  /**
   * Replaces the core with the last committed state, follows its channels, and seeks every input
   * back to its committed position.
   */
  private void rewind() {
    session.output().closed();
    metrics.rewound();
    core = new NodeCore(commits.state(), session.output());
    gate.reset();
    inputs = new NodeInputs(topics, commits.state().topology());
    consumer.assign(inputs.all());
    positions.clear();
    for (TopicPartition tp : inputs.all()) {
      long at = commits.positions().getOrDefault(tp, 0L);
      positions.put(tp, at);
      consumer.seek(tp, at);
    }
    dirty = false;
    statsListener.accept(metrics.stats());
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
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      } catch (RuntimeException ignored) {
        // closing after a fatal error
      }
    }
  }

  /** What the epoch switch needs of the loop. */
  private final class EpochHost implements EpochSwitch.Host {
    @Override
    public NodeCore core() {
      return core;
    }

    @Override
    public void abandonUncommitted() {
      commits.abandon();
      rewind();
    }

    @Override
    public void handling(ConsumerRecord<byte[], byte[]> r) {
      session.output().handling(r);
    }

    @Override
    public void commitSwitch(ConsumerRecord<byte[], byte[]> r) {
      positions.put(inputs.epochs(), r.offset() + 1);
      dirty = true;
      commit(true);
      rewind(); // follows the new channels; every position is the committed one
      workload = workload.withTargets(epochs.targetsAt(commits.state().epoch()));
      gate.releaseAll();
    }

    @Override
    public void consumed(ConsumerRecord<byte[], byte[]> r) {
      NodeLoop.this.consumed(new TopicPartition(r.topic(), r.partition()), r.offset());
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
