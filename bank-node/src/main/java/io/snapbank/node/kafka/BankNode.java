package io.snapbank.node.kafka;

import io.snapbank.node.app.NodeConfig;
import io.snapbank.node.core.ChannelSnapshot;
import io.snapbank.node.core.Ledger;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.Outcome;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.core.SnapshotEngine;
import io.snapbank.node.core.TransferCheck;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One bank node: a single I/O thread around the pure {@link SnapshotEngine} and {@link Ledger}.
 *
 * <p>Each loop polls the node's incoming channels (partition {@code self} of every other node's
 * transfers topic), the snapshot requests and aborts, applies them in partition order, generates
 * workload transfers, and every commit interval commits one transaction holding the outgoing
 * transfers and markers, balance changes, snapshot reports, quarantined records, the node's
 * checkpoint and the consumed offsets. Fatal producer errors (fenced, out-of-order sequence,
 * authorization) stop the node; any other Kafka error aborts the transaction and rewinds state and
 * positions to the last commit. A sequence gap on a channel stops the node after quarantining the
 * record, because continuing would build on a broken FIFO channel.
 */
public final class BankNode implements Runnable {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
  private static final String TRANSFER_COUNTER = "transferId";
  private static final int MAX_BATCH = 5_000;
  // finished ids travel in every checkpoint, so keep the list short; a marker or request can only
  // come late by a few snapshots
  private static final int REMEMBER_FINISHED = 1_024;
  private static final long MAX_INCOMING_LAG = 50_000;

  private final NodeConfig config;
  private final BankTopics topics;
  private final Clock clock;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile String failure;
  private volatile NodeStats stats = new NodeStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0);
  private volatile LongConsumer creditLatencyListener = ms -> {};

  // Loop-thread state.
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private BankGenesis genesis;
  private List<List<String>> accountsByNode;
  private List<String> ownAccounts;
  private Ledger ledger;
  private SnapshotEngine engine;
  private final Map<String, Long> counters = new TreeMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private Map<TopicPartition, Long> committedPositions = new HashMap<>();
  private NodeCheckpoint committed;
  private long transaction;
  private long commits;
  private long aborts;
  private boolean dirty;
  private Random random;
  private double budget;
  private long lastGenerateMs;

  public BankNode(NodeConfig config, BankTopics topics) {
    this(config, topics, Clock.systemUTC());
  }

  public BankNode(NodeConfig config, BankTopics topics, Clock clock) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
  }

  /** Called on the loop thread with the send-to-credit latency of every credited transfer. */
  public void onCreditLatency(LongConsumer listener) {
    this.creditLatencyListener = listener;
  }

  public int nodeId() {
    return config.nodeId();
  }

  public NodeStats stats() {
    return stats;
  }

  /** Why the node stopped on its own, if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Asks the loop to commit its open work and stop; returns at once. */
  public void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs the node until {@link #stop()} or a fatal error; see {@link #failure()}. */
  @Override
  public void run() {
    try {
      setUp();
      ready.countDown();
      loop();
    } catch (FatalNodeError e) {
      failure = e.getMessage();
    } catch (InterruptException e) {
      failure = failure == null && running ? "interrupted" : failure;
    } catch (RuntimeException e) {
      failure = "node " + config.nodeId() + " failed: " + e;
    } finally {
      closeQuietly();
      ready.countDown();
      stopped.countDown();
    }
  }

  private void setUp() {
    genesis =
        BankSetup.readGenesis(config.bootstrapServers(), topics, SETUP_TIMEOUT)
            .orElseThrow(
                () ->
                    new FatalNodeError(
                        "bank '"
                            + topics.prefix()
                            + "' has no genesis at "
                            + config.bootstrapServers()
                            + "; run 'snapbank init' first"));
    int n = genesis.getNodes();
    if (config.nodeId() >= n) {
      throw new FatalNodeError(
          "node id "
              + config.nodeId()
              + " is not in a bank of "
              + n
              + " nodes (0.."
              + (n - 1)
              + ")");
    }
    accountsByNode = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      accountsByNode.add(new ArrayList<>());
    }
    for (GenesisAccount a : genesis.getAccounts()) {
      accountsByNode.get(a.getNodeId()).add(a.getAccount());
    }
    ownAccounts = accountsByNode.get(config.nodeId());
    random = new Random(config.seed());

    producer =
        KafkaClients.transactionalProducer(
            config.bootstrapServers(), config.transactionalId(), config.clientOverrides());
    producer.initTransactions(); // fences an older instance and aborts its open transaction
    consumer =
        KafkaClients.committedReader(
            config.bootstrapServers(), config.groupId(), config.clientOverrides());
    List<TopicPartition> inputs = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (j != config.nodeId()) {
        inputs.add(channel(j));
      }
    }
    inputs.add(new TopicPartition(topics.snapshotRequests().name(), 0));
    inputs.add(new TopicPartition(topics.snapshotAborts().name(), 0));
    consumer.assign(inputs);

    NodeCheckpoint checkpoint =
        NodeStateStore.latest(config.bootstrapServers(), topics, config.nodeId(), SETUP_TIMEOUT)
            .orElseGet(this::genesisCheckpoint);
    Map<TopicPartition, OffsetAndMetadata> offsets =
        consumer.committed(new java.util.HashSet<>(inputs), SETUP_TIMEOUT);
    committedPositions = new HashMap<>();
    for (TopicPartition tp : inputs) {
      OffsetAndMetadata o = offsets.get(tp);
      committedPositions.put(tp, o == null ? 0L : o.offset());
    }
    rewindTo(checkpoint);
    transaction = checkpoint.getTransaction();
    lastGenerateMs = clock.millis();
    producer.beginTransaction();
  }

  private NodeCheckpoint genesisCheckpoint() {
    SortedMap<String, Long> opening = new TreeMap<>();
    for (GenesisAccount a : genesis.getAccounts()) {
      if (a.getNodeId() == config.nodeId()) {
        opening.put(a.getAccount(), a.getBalance());
      }
    }
    SnapshotEngine fresh = newEngine(new Ledger(opening));
    return CheckpointCodec.encode(fresh.save(), opening, Map.of(), 0, clock.millis());
  }

  /** Replaces in-memory state with a committed checkpoint and seeks to the committed positions. */
  private void rewindTo(NodeCheckpoint checkpoint) {
    ledger = new Ledger(CheckpointCodec.balanceMap(checkpoint.getBalances()));
    engine = newEngine(ledger);
    engine.restore(CheckpointCodec.engineState(checkpoint));
    counters.clear();
    checkpoint.getCounters().forEach((k, v) -> counters.put(k.toString(), v));
    positions.clear();
    positions.putAll(committedPositions);
    for (Map.Entry<TopicPartition, Long> e : committedPositions.entrySet()) {
      consumer.seek(e.getKey(), e.getValue());
    }
    committed = checkpoint;
    dirty = false;
    publishStats();
  }

  private SnapshotEngine newEngine(Ledger l) {
    List<Integer> others = new ArrayList<>();
    for (int j = 0; j < genesis.getNodes(); j++) {
      if (j != config.nodeId()) {
        others.add(j);
      }
    }
    return new SnapshotEngine(
        config.nodeId(), others, others, l, new KafkaOutbox(), false, REMEMBER_FINISHED);
  }

  private void loop() {
    long txStart = clock.millis();
    while (running) {
      try {
        long now = clock.millis();
        long wait = Math.max(1, Math.min(20, config.commitIntervalMs() - (now - txStart)));
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
          handle(r);
        }
        generate(clock.millis());
        if (clock.millis() - txStart >= config.commitIntervalMs()) {
          if (dirty) {
            commit();
          }
          txStart = clock.millis();
        }
      } catch (WakeupException e) {
        // stop() was called; the loop condition ends it
      } catch (ProducerFencedException
          | OutOfOrderSequenceException
          | AuthorizationException
          | UnsupportedVersionException e) {
        throw new FatalNodeError(
            "node "
                + config.nodeId()
                + " stopped: "
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage()
                + (e instanceof ProducerFencedException
                    ? " (another instance of this node is running)"
                    : ""));
      } catch (SequenceGap gap) {
        commitQuietly();
        throw new FatalNodeError(gap.getMessage());
      } catch (KafkaException e) {
        abortAndRewind(e);
        txStart = clock.millis();
      }
    }
    commitQuietly();
  }

  private void commitQuietly() {
    try {
      if (dirty) {
        commit();
      }
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // the transaction times out on the broker and is aborted there
      }
    }
  }

  private void abortAndRewind(KafkaException cause) {
    aborts++;
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      throw new FatalNodeError("node " + config.nodeId() + " stopped: " + e);
    }
    rewindTo(committed);
    producer.beginTransaction();
  }

  private void commit() {
    long now = clock.millis();
    for (Map.Entry<String, Long> e : ledger.drainChanged().entrySet()) {
      send(
          topics.balances(),
          null,
          e.getKey(),
          new BalanceChange(config.nodeId(), e.getKey(), e.getValue(), now));
    }
    NodeCheckpoint checkpoint =
        CheckpointCodec.encode(engine.save(), ledger.capture(), counters, transaction + 1, now);
    send(topics.nodeState(), config.nodeId(), Integer.toString(config.nodeId()), checkpoint);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, pos) -> offsets.put(tp, new OffsetAndMetadata(pos)));
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    producer.commitTransaction();
    transaction++;
    commits++;
    committed = checkpoint;
    committedPositions = new HashMap<>(positions);
    dirty = false;
    publishStats();
    producer.beginTransaction();
  }

  // --- incoming records ---

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    String topic = r.topic();
    if (topic.equals(topics.snapshotRequests().name())) {
      handleRequest(r);
    } else if (topic.equals(topics.snapshotAborts().name())) {
      handleAbort(r);
    } else {
      handleChannel(r);
    }
    positions.put(new TopicPartition(topic, r.partition()), r.offset() + 1);
    dirty = true;
  }

  private void handleRequest(ConsumerRecord<byte[], byte[]> r) {
    SnapshotRequest req;
    try {
      req = topics.snapshotRequests().valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RecordDecodingException e) {
      quarantine(r, QuarantineReason.UNDECODABLE, e.getMessage());
      return;
    }
    if (req == null) {
      quarantine(r, QuarantineReason.UNDECODABLE, "empty snapshot request");
      return;
    }
    if (req.getInitiators().isEmpty() || req.getInitiators().contains(config.nodeId())) {
      engine.onRequest(req.getSnapshotId(), req.getRequestedAtMs(), clock.millis());
    }
  }

  private void handleAbort(ConsumerRecord<byte[], byte[]> r) {
    SnapshotAbort abort;
    try {
      abort = topics.snapshotAborts().valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RecordDecodingException e) {
      quarantine(r, QuarantineReason.UNDECODABLE, e.getMessage());
      return;
    }
    if (abort == null) {
      quarantine(r, QuarantineReason.UNDECODABLE, "empty snapshot abort");
      return;
    }
    if (engine.onAbort(abort.getSnapshotId()) == Outcome.ABORTED) {
      count("snapshotsAborted", 1);
    }
  }

  private void handleChannel(ConsumerRecord<byte[], byte[]> r) {
    int sender = senderOf(r.topic());
    ChannelRecord rec;
    try {
      rec = topics.transfers(sender).valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RecordDecodingException e) {
      quarantine(r, QuarantineReason.UNDECODABLE, e.getMessage());
      return;
    }
    if (rec == null) {
      quarantine(r, QuarantineReason.UNDECODABLE, "empty channel record");
      return;
    }
    Object body = rec.getBody();
    boolean marker = body instanceof Marker;
    Transfer t = marker ? null : (Transfer) body;
    QuarantineReason bad =
        TransferCheck.check(
            sender,
            config.nodeId(),
            rec.getSender(),
            rec.getReceiver(),
            marker,
            marker ? 0 : t.getAmount(),
            marker ? null : t.getToAccount(),
            ledger);
    if (bad != null) {
      quarantine(r, bad, describe(rec));
      return;
    }
    Outcome o =
        marker
            ? engine.onMarker(
                sender, rec.getSeq(), r.offset(), ((Marker) body).getSnapshotId(), clock.millis())
            : engine.onTransfer(sender, rec.getSeq(), r.offset(), t.getAmount());
    if (o == Outcome.SEQUENCE_DUPLICATE) {
      quarantine(
          r,
          QuarantineReason.DUPLICATE_SEQUENCE,
          "seq "
              + rec.getSeq()
              + " already received (last "
              + engine.lastReceivedSeq(sender)
              + "): "
              + describe(rec));
      return;
    }
    if (o == Outcome.SEQUENCE_GAP) {
      String msg =
          "FIFO violation on channel "
              + sender
              + "->"
              + config.nodeId()
              + " ("
              + r.topic()
              + "/"
              + r.partition()
              + " offset "
              + r.offset()
              + "): expected seq "
              + (engine.lastReceivedSeq(sender) + 1)
              + ", got "
              + rec.getSeq()
              + "; node "
              + config.nodeId()
              + " stops rather than continue on a broken channel (record quarantined)";
      quarantine(r, QuarantineReason.SEQUENCE_GAP, msg);
      positions.put(new TopicPartition(r.topic(), r.partition()), r.offset()); // not consumed
      dirty = true;
      throw new SequenceGap(msg);
    }
    if (marker) {
      if (o == Outcome.LATE || o == Outcome.DUPLICATE_MARKER) {
        count("ignoredMarkers", 1);
      }
    } else {
      ledger.credit(t.getToAccount(), t.getAmount());
      count("credits", 1);
      creditLatencyListener.accept(Math.max(0, clock.millis() - t.getSentAtMs()));
    }
  }

  private static String describe(ChannelRecord rec) {
    return "sender="
        + rec.getSender()
        + " receiver="
        + rec.getReceiver()
        + " seq="
        + rec.getSeq()
        + " body="
        + rec.getBody();
  }

  private void quarantine(
      ConsumerRecord<byte[], byte[]> r, QuarantineReason reason, String detail) {
    QuarantineEnvelope env =
        new QuarantineEnvelope(
            reason.name(),
            detail == null ? "" : detail,
            r.topic(),
            r.partition(),
            r.offset(),
            r.key() == null ? null : java.nio.ByteBuffer.wrap(r.key()),
            r.value() == null ? null : java.nio.ByteBuffer.wrap(r.value()),
            "node-" + config.nodeId(),
            clock.millis());
    send(topics.quarantine(), null, r.topic() + "/" + r.partition() + "/" + r.offset(), env);
    count("q." + reason.name(), 1);
  }

  // --- workload ---

  private void generate(long now) {
    if (config.transfersPerSecond() <= 0) {
      return;
    }
    if (incomingLag() > MAX_INCOMING_LAG) {
      // behind on incoming money: let the receivers catch up before sending more
      lastGenerateMs = now;
      return;
    }
    // at most half a second of work, and never more than MAX_BATCH per loop, so polls stay frequent
    budget =
        Math.min(
            budget + config.transfersPerSecond() * (now - lastGenerateMs) / 1000.0,
            Math.max(1, Math.min(MAX_BATCH, config.transfersPerSecond() / 2)));
    lastGenerateMs = now;
    while (budget >= 1) {
      budget -= 1;
      generateOne(now);
    }
  }

  private void generateOne(long now) {
    String from = ownAccounts.get(random.nextInt(ownAccounts.size()));
    long amount = 1 + (long) (random.nextDouble() * config.maxAmount());
    boolean remote = random.nextDouble() < config.remoteShare() || ownAccounts.size() < 2;
    int toNode = config.nodeId();
    if (remote) {
      toNode = random.nextInt(genesis.getNodes() - 1);
      if (toNode >= config.nodeId()) {
        toNode++;
      }
    }
    List<String> targets = accountsByNode.get(toNode);
    String to = targets.get(random.nextInt(targets.size()));
    if (to.equals(from)) {
      return;
    }
    if (ledger.debit(from, amount) != Ledger.Debit.DONE) {
      count("rejected", 1);
      dirty = true;
      return;
    }
    dirty = true;
    if (!remote) {
      ledger.credit(to, amount);
      count("local", 1);
      return;
    }
    long id = counters.merge(TRANSFER_COUNTER, 1L, Long::sum);
    String transferId = config.nodeId() + "-" + id;
    long seq = engine.nextTransferSeq(toNode);
    send(
        topics.transfers(config.nodeId()),
        toNode,
        transferId,
        new ChannelRecord(
            config.nodeId(), toNode, seq, new Transfer(transferId, from, to, amount, now)));
    count("sent", 1);
  }

  // --- helpers ---

  /** Records waiting on this node's incoming channels, as last reported by fetches. */
  private long incomingLag() {
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    return lag;
  }

  private TopicPartition channel(int sender) {
    return new TopicPartition(topics.transfers(sender).name(), config.nodeId());
  }

  private int senderOf(String topic) {
    return Integer.parseInt(topic.substring(topic.lastIndexOf('.') + 1));
  }

  private <V> void send(Topic<String, V> topic, Integer partition, String key, V value) {
    producer.send(
        new ProducerRecord<>(
            topic.name(),
            partition,
            key.getBytes(StandardCharsets.UTF_8),
            topic.valueSerde().serializer().serialize(topic.name(), value)));
  }

  private void count(String name, long delta) {
    counters.merge(name, delta, Long::sum);
  }

  private void publishStats() {
    Map<String, Long> q = new TreeMap<>();
    counters.forEach(
        (k, v) -> {
          if (k.startsWith("q.")) {
            q.put(k.substring(2), v);
          }
        });
    stats =
        new NodeStats(
            counters.getOrDefault("sent", 0L),
            counters.getOrDefault("local", 0L),
            counters.getOrDefault("rejected", 0L),
            counters.getOrDefault("credits", 0L),
            Map.copyOf(q),
            counters.getOrDefault("ignoredMarkers", 0L),
            counters.getOrDefault("snapshots", 0L),
            counters.getOrDefault("snapshotsAborted", 0L),
            commits,
            aborts);
  }

  private void closeQuietly() {
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

  /** Engine effects become records of the open transaction. */
  private final class KafkaOutbox implements SnapshotEngine.Outbox {
    @Override
    public void sendMarker(int to, long seq, long snapshotId) {
      send(
          topics.transfers(config.nodeId()),
          to,
          "marker-" + snapshotId,
          new ChannelRecord(config.nodeId(), to, seq, new Marker(snapshotId)));
    }

    @Override
    public void completed(LocalSnapshot s) {
      List<ChannelState> chans = new ArrayList<>();
      for (ChannelSnapshot c : s.channels()) {
        chans.add(
            new ChannelState(
                c.from(), c.to(), c.firstOffset(), c.markerOffset(), c.count(), c.sum()));
      }
      send(
          topics.snapshotReports(),
          null,
          Long.toString(s.snapshotId()),
          new LocalSnapshotReport(
              s.snapshotId(),
              s.nodeId(),
              s.requestedAtMs(),
              s.recordedAtMs(),
              s.completedAtMs(),
              CheckpointCodec.balances(s.balances()),
              chans));
      count("snapshots", 1);
      dirty = true;
    }
  }

  /** A stop with a message for the operator. */
  static final class FatalNodeError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalNodeError(String message) {
      super(message);
    }
  }

  private static final class SequenceGap extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SequenceGap(String message) {
      super(message);
    }
  }
}
