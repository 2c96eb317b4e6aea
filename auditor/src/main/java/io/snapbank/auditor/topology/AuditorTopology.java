package io.snapbank.auditor.topology;

import io.snapbank.auditor.avro.PendingSnapshotMeta;
import io.snapbank.auditor.avro.RequestScheduleState;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.schemas.topic.BankTopics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The auditor's Kafka Streams topology (Processor API). Five single-partition sources, read as raw
 * bytes so that undecodable records can be quarantined instead of failing the task:
 *
 * <ul>
 *   <li>{@code <prefix>.snapshot-reports}: one {@code LocalSnapshotReport} per node and snapshot;
 *   <li>{@code <prefix>.snapshot-requests}: the request time of a snapshot, its epoch, and the
 *       start of its timeout clock;
 *   <li>{@code <prefix>.genesis}: the bank's first members and total;
 *   <li>{@code <prefix>.epochs}: the epoch log: each epoch's members and the money that entered or
 *       left the bank;
 *   <li>{@code <prefix>.deep-audits} ({@link AuditorTopics#deepAudits()}): results of the
 *       deep-audit stage, merged into the finished snapshot's report.
 * </ul>
 *
 * <p>They flow into one {@link AuditProcessor} (so one task sees everything), which keeps typed
 * state in persistent key-value stores and writes, each keyed by the snapshot id as a decimal
 * string: {@code AuditReport}s (new verdicts and deep-audited updates) to {@code
 * <prefix>.audit-reports}, {@code SnapshotAbort}s to {@code <prefix>.snapshot-aborts} and {@code
 * SnapshotRequest}s to {@code <prefix>.snapshot-requests}: scheduled ones when configured, and
 * retries of snapshots a change of members aborted. Quarantined records go to {@code
 * <prefix>.quarantine} keyed {@code <topic>/<partition>/<offset>}.
 */
public final class AuditorTopology {
  /** Pending snapshots: id → their times and request ({@code PendingSnapshotMeta}). */
  public static final String PENDING_STORE = "snapshot-pending";

  /** Reports held by pending snapshots: (id, node) → the {@code LocalSnapshotReport}. */
  public static final String REPORTS_STORE = "snapshot-held-reports";

  /** Finished (audited or aborted) snapshots: id → when they finished, wall-clock ms. */
  public static final String FINISHED_STORE = "snapshot-finished";

  /** Finished snapshots: id → the last {@code AuditReport} published for them. */
  public static final String FINISHED_REPORTS_STORE = "snapshot-finished-reports";

  /** The bank's {@code BankGenesis} under key {@code "genesis"}. */
  public static final String GENESIS_STORE = "bank-genesis";

  /** The bank's epoch log as read: epoch → its {@code BankEpoch}. */
  public static final String EPOCHS_STORE = "bank-epochs";

  /**
   * The allocator of the auditor's own request ids (scheduled and retries), {@code
   * RequestScheduleState} under key {@code "requests"}.
   */
  public static final String SCHEDULE_STORE = "request-schedule";

  /**
   * Counters ({@link AuditCounters}): {@code completed}, {@code aborted}, {@code deepAudited},
   * {@code duplicate}, {@code late}, {@code superseded}, {@code unknownNode}, {@code quarantined},
   * {@code requested}, {@code retried}.
   */
  public static final String COUNTERS_STORE = "counters";

  static final String AUDIT_SINK = "audit-reports-sink";
  static final String ABORT_SINK = "snapshot-aborts-sink";
  static final String REQUEST_SINK = "snapshot-requests-sink";
  static final String QUARANTINE_SINK = "quarantine-sink";
  static final String PROCESSOR = "audit";

  private AuditorTopology() {}

  public static Topology build(AuditorConfig config, BankTopics topics) {
    AuditorTopics own = new AuditorTopics(topics);
    Topology t = new Topology();
    Serde<String> keys = Serdes.String();
    Serde<byte[]> bytes = Serdes.ByteArray();
    t.addSource(
        "reports", keys.deserializer(), bytes.deserializer(), topics.snapshotReports().name());
    t.addSource(
        "requests", keys.deserializer(), bytes.deserializer(), topics.snapshotRequests().name());
    t.addSource("genesis", keys.deserializer(), bytes.deserializer(), topics.genesis().name());
    t.addSource("deep-audits", keys.deserializer(), bytes.deserializer(), own.deepAudits().name());
    t.addSource("epochs", keys.deserializer(), bytes.deserializer(), topics.epochs().name());
    t.addProcessor(
        PROCESSOR,
        () -> new AuditProcessor(config, topics, own),
        "reports",
        "requests",
        "genesis",
        "deep-audits",
        "epochs");
    t.addStateStore(
        store(PENDING_STORE, Serdes.Long(), topics.serdes().of(PendingSnapshotMeta.class)),
        PROCESSOR);
    t.addStateStore(
        store(REPORTS_STORE, ReportKey.SERDE, topics.snapshotReports().valueSerde()), PROCESSOR);
    t.addStateStore(store(FINISHED_STORE, Serdes.Long(), Serdes.Long()), PROCESSOR);
    t.addStateStore(
        store(FINISHED_REPORTS_STORE, Serdes.Long(), topics.auditReports().valueSerde()),
        PROCESSOR);
    t.addStateStore(store(GENESIS_STORE, keys, topics.genesis().valueSerde()), PROCESSOR);
    t.addStateStore(store(EPOCHS_STORE, Serdes.Long(), topics.epochs().valueSerde()), PROCESSOR);
    t.addStateStore(
        store(SCHEDULE_STORE, keys, topics.serdes().of(RequestScheduleState.class)), PROCESSOR);
    t.addStateStore(store(COUNTERS_STORE, keys, Serdes.Long()), PROCESSOR);
    sink(t, AUDIT_SINK, topics.auditReports().name());
    sink(t, ABORT_SINK, topics.snapshotAborts().name());
    sink(t, REQUEST_SINK, topics.snapshotRequests().name());
    sink(t, QUARANTINE_SINK, topics.quarantine().name());
    return t;
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(
      String name, Serde<K> keys, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values);
  }

  private static void sink(Topology t, String name, String topic) {
    t.addSink(
        name, topic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
  }
}
