package io.snapbank.auditor.topology;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.auditor.core.Effect;
import io.snapbank.auditor.core.FinishedRetention;
import io.snapbank.auditor.core.GenesisVerdict;
import io.snapbank.auditor.core.QuarantineReason;
import io.snapbank.auditor.core.SnapshotEvent;
import io.snapbank.auditor.core.SnapshotLifecycle;
import io.snapbank.auditor.core.SnapshotState;
import io.snapbank.auditor.core.Transition;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The driver of the pure {@link SnapshotLifecycle}: decodes each input record into an event, loads
 * the snapshot's state ({@link SnapshotStates}), applies the lifecycle, stores the next state and
 * carries out the effects ({@link AuditOutputs}). All state is in persistent stores, so a restarted
 * auditor continues exactly where its last commit left it.
 *
 * <p>Inputs: node reports, snapshot requests, the genesis, the epoch log and deep-audit results. A
 * record that cannot be decoded is quarantined as {@code UNDECODABLE}; an invalid or conflicting
 * genesis as the lifecycle says. A wall-clock punctuator sends every pending snapshot a tick
 * (timeouts), in task 0 writes scheduled requests when configured ({@link AuditorRequests}), and
 * every minute forgets finished snapshots older than the {@link FinishedRetention}. A snapshot
 * aborted by a change of members is requested again at once, under a fresh id from task 0's
 * allocator ({@link AuditorTopology}).
 */
final class AuditProcessor implements Processor<String, byte[], String, byte[]> {
  static final FinishedRetention FINISHED_RETENTION = FinishedRetention.ONE_DAY;
  private static final long PURGE_EVERY_MS = 60_000;
  private static final String GENESIS_KEY = "genesis";

  private final AuditorConfig config;
  private final BankTopics topics;
  private final AuditorTopics own;
  private ProcessorContext<String, byte[]> context;
  private SnapshotStates states;
  private AuditOutputs outputs;
  private KeyValueStore<String, BankGenesis> genesisStore;
  private AuditorRequests requests;
  private KeyValueStore<Long, BankEpoch> epochStore;
  private SnapshotLifecycle lifecycle;
  private long nextPurgeAtMs = Long.MIN_VALUE;
  private boolean firstTask;

  AuditProcessor(AuditorConfig config, BankTopics topics, AuditorTopics own) {
    this.config = config;
    this.topics = topics;
    this.own = own;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.firstTask = context.taskId().partition() == 0;
    states =
        new SnapshotStates(
            context.getStateStore(AuditorTopology.PENDING_STORE),
            context.getStateStore(AuditorTopology.REPORTS_STORE),
            context.getStateStore(AuditorTopology.FINISHED_STORE),
            context.getStateStore(AuditorTopology.FINISHED_REPORTS_STORE));
    requests =
        new AuditorRequests(
            context.getStateStore(AuditorTopology.SCHEDULE_STORE), config.applicationId());
    outputs =
        new AuditOutputs(
            context,
            topics,
            new AuditCounters(context.getStateStore(AuditorTopology.COUNTERS_STORE)),
            requests,
            firstTask);
    genesisStore = context.getStateStore(AuditorTopology.GENESIS_STORE);
    epochStore = context.getStateStore(AuditorTopology.EPOCHS_STORE);
    List<BankEpoch> epochs = new ArrayList<>();
    try (KeyValueIterator<Long, BankEpoch> it = epochStore.all()) {
      it.forEachRemaining(kv -> epochs.add(kv.value));
    }
    lifecycle =
        new SnapshotLifecycle(
            Optional.ofNullable(genesisStore.get(GENESIS_KEY)),
            config.snapshotTimeout().toMillis(),
            epochs);
    context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = Origin.of(context.recordMetadata(), record, own.inputs()).topic();
    if (record.value() == null || record.value().length == 0) {
      reject(topic, record, QuarantineReason.UNDECODABLE, "EMPTY: the record has no value");
      return;
    }
    Object value;
    try {
      value = decode(topic, record.value());
    } catch (RecordDecodingException e) {
      reject(topic, record, QuarantineReason.UNDECODABLE, e.getMessage());
      return;
    }
    long now = context.currentSystemTimeMs();
    if (topic.equals(Origin.RETRY) && value instanceof SnapshotRequest r) {
      outputs.retry(new Effect.Retry(r.getRetryOf(), r.getEpoch(), r.getInitiators()));
    } else if (value instanceof LocalSnapshotReport r) {
      if (misrouted(r.getSnapshotId())) {
        reject(
            topic,
            record,
            QuarantineReason.MISROUTED_REPORT,
            "snapshot "
                + r.getSnapshotId()
                + " belongs to report partition "
                + ReportPartitions.of(r.getSnapshotId(), reportPartitions())
                + ", not "
                + context.taskId().partition()
                + " (a report is keyed by its snapshot id)");
        return;
      }
      apply(r.getSnapshotId(), new SnapshotEvent.Reported(r, now), record);
    } else if (value instanceof SnapshotRequest r) {
      apply(r.getSnapshotId(), SnapshotEvent.Requested.of(r, now), record);
    } else if (value instanceof DeepAuditResult r) {
      apply(r.snapshotId(), new SnapshotEvent.DeepAudited(r, now), record);
    } else if (value instanceof BankGenesis g) {
      onGenesis(g, record, now);
    } else if (value instanceof BankEpoch e) {
      onEpoch(e, record, now);
    }
  }

  /**
   * Quarantines the record being processed, read first from {@code topic}; a record sent to every
   * audit task (the genesis, the epoch log) by task 0 only.
   */
  private void reject(
      String topic, Record<String, byte[]> record, QuarantineReason reason, String detail) {
    if (firstTask || !everyTask(topic)) {
      outputs.rejectInput(record, reason, detail);
    }
  }

  /** Whether snapshot {@code id} belongs to another task's report partition (genesis known). */
  private boolean misrouted(long id) {
    int partitions = reportPartitions();
    return partitions > 0 && ReportPartitions.of(id, partitions) != context.taskId().partition();
  }

  /** The report partitions the genesis names; 0 before it is known. */
  private int reportPartitions() {
    BankGenesis g = genesisStore.get(GENESIS_KEY);
    return g == null ? 0 : g.getReportPartitions();
  }

  private boolean everyTask(String topic) {
    return topic.equals(topics.genesis().name()) || topic.equals(topics.epochs().name());
  }

  /** The value of a record of {@code topic}; null for a topic this processor does not read. */
  private Object decode(String topic, byte[] bytes) {
    if (topic.equals(Origin.RETRY)) {
      return topics.snapshotRequests().decode(bytes);
    } else if (topic.equals(topics.snapshotReports().name())) {
      return topics.snapshotReports().decode(bytes);
    } else if (topic.equals(topics.snapshotRequests().name())) {
      return topics.snapshotRequests().decode(bytes);
    } else if (topic.equals(topics.genesis().name())) {
      return topics.genesis().decode(bytes);
    } else if (topic.equals(own.deepAudits().name())) {
      return own.deepAudits().decode(bytes);
    } else if (topic.equals(topics.epochs().name())) {
      return topics.epochs().decode(bytes);
    }
    return null;
  }

  private void apply(long id, SnapshotEvent event, Record<String, byte[]> input) {
    Optional<SnapshotState> before = states.load(id);
    Transition t = lifecycle.apply(before, event);
    states.save(id, before, t.next());
    outputs.carryOut(t.effects(), input);
  }

  private void onGenesis(BankGenesis g, Record<String, byte[]> input, long now) {
    GenesisVerdict v = lifecycle.onGenesis(g);
    if (v instanceof GenesisVerdict.Rejected r) {
      reject(topics.genesis().name(), input, r.reason(), r.detail());
    } else if (v instanceof GenesisVerdict.Adopted a) {
      lifecycle = a.lifecycle();
      genesisStore.put(GENESIS_KEY, a.genesis());
      for (long id : states.pendingIds()) {
        apply(id, new SnapshotEvent.GenesisKnown(now), input);
      }
    }
  }

  /**
   * A new entry of the epoch log: every snapshot still pending in an earlier epoch ends (ABORTED,
   * SUPERSEDED after a restore, otherwise EPOCH_CHANGED and retried); held reports of the new epoch
   * are judged against its members.
   */
  private void onEpoch(BankEpoch e, Record<String, byte[]> input, long now) {
    Optional<SnapshotLifecycle> next = lifecycle.withEpoch(e);
    if (next.isEmpty()) {
      return;
    }
    lifecycle = next.get();
    epochStore.put(e.getEpoch(), e);
    for (long id : states.pendingIds()) {
      apply(id, new SnapshotEvent.EpochStarted(e.getEpoch(), now), input);
    }
  }

  private void punctuate(long nowMs) {
    for (long id : states.pendingIds()) {
      apply(id, new SnapshotEvent.Tick(nowMs), null);
    }
    if (firstTask) {
      scheduleRequest(nowMs);
    }
    if (nowMs >= nextPurgeAtMs) {
      states.forgetFinished(FINISHED_RETENTION, nowMs);
      nextPurgeAtMs = nowMs + PURGE_EVERY_MS;
    }
  }

  private void scheduleRequest(long nowMs) {
    requests
        .due(nowMs, config.requestPeriod().toMillis(), lifecycle.currentEpoch())
        .ifPresent(outputs::request);
  }
}
