package io.snapbank.auditor.topology;

import io.snapbank.auditor.avro.PendingSnapshotMeta;
import io.snapbank.auditor.avro.RequestScheduleState;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.schemas.topic.BankTopics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The auditor's Kafka Streams topology (Processor API), built to share its work among several
 * auditor instances of one application id. Inputs are read as raw bytes so that undecodable records
 * can be quarantined instead of failing a task.
 *
 * <p><b>Audit tasks.</b> A snapshot's local reports ({@code <prefix>.snapshot-reports}) are keyed
 * by its id, so all of them are in one of its R partitions ({@link
 * io.snapbank.schemas.topic.ReportPartitions}, R fixed by {@code init --report-partitions} and kept
 * in the genesis). The {@link AuditProcessor} reads them together with {@code
 * <prefix>.audit-inputs} ({@link AuditorTopics#inputs()}, also R partitions): audit task p owns the
 * snapshots of report partition p, whole, with its state in persistent key-value stores. Instances
 * of the application share the R tasks; when one dies, Kafka Streams moves its tasks, and their
 * stores, to the others.
 *
 * <p><b>Routing.</b> The other inputs have one partition each: {@code <prefix>.snapshot-requests}
 * (request time, epoch, start of the timeout clock), {@code <prefix>.genesis}, {@code
 * <prefix>.epochs} and {@code <prefix>.deep-audits} ({@link AuditorTopics#deepAudits()}). A
 * stateless {@link InputRouter}, one task, writes each to audit-inputs: a request or deep-audit
 * result to its snapshot's partition, the genesis and the epoch log to every partition, so every
 * audit task knows the bank's members and epochs. Records keep their first topic, position and key
 * ({@link Origin}); a record sent to every partition is quarantined by task 0 only.
 *
 * <p><b>Requests.</b> Only audit task 0 allocates the auditor's request ids ({@link
 * AuditorRequests}, its {@link #SCHEDULE_STORE}) and writes scheduled requests: exactly one
 * instance runs it at a time, an instance taking it over restores the store and continues the id
 * sequence, and exactly-once fences the one it replaces, so no scheduled request is written twice.
 * A snapshot that a change of members aborted is retried by the task that owns it: task 0 writes
 * the retry at once, any other task hands it to task 0 through partition 0 of audit-inputs (topic
 * {@value Origin#RETRY}), so request ids keep coming from one allocator and never repeat.
 *
 * <p><b>Outputs</b>, each keyed by the snapshot id as a decimal string: {@code AuditReport}s (new
 * verdicts and deep-audited updates) to {@code <prefix>.audit-reports}, which every instance reads
 * whole, {@code SnapshotAbort}s to {@code <prefix>.snapshot-aborts} and {@code SnapshotRequest}s to
 * {@code <prefix>.snapshot-requests}. Quarantined records go to {@code <prefix>.quarantine} keyed
 * {@code <topic>/<partition>/<offset>} of their origin. State and counters are per task.
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
  static final String RETRY_SINK = "retries-sink";
  static final String PROCESSOR = "audit";
  static final String ROUTER = "route";

  private AuditorTopology() {}

  public static Topology build(AuditorConfig config, BankTopics topics) {
    AuditorTopics own = new AuditorTopics(topics);
    Topology t = new Topology();
    Serde<String> keys = Serdes.String();
    Serde<byte[]> bytes = Serdes.ByteArray();
    t.addSource(
        "requests", keys.deserializer(), bytes.deserializer(), topics.snapshotRequests().name());
    t.addSource("genesis", keys.deserializer(), bytes.deserializer(), topics.genesis().name());
    t.addSource("deep-audits", keys.deserializer(), bytes.deserializer(), own.deepAudits().name());
    t.addSource("epochs", keys.deserializer(), bytes.deserializer(), topics.epochs().name());
    t.addProcessor(
        ROUTER, () -> new InputRouter(topics, own), "requests", "genesis", "deep-audits", "epochs");
    sink(t, InputRouter.TO_OWNER, own.inputs(), InputRouter.BY_SNAPSHOT, ROUTER);
    sink(t, InputRouter.TO_ALL, own.inputs(), InputRouter.EVERYWHERE, ROUTER);

    t.addSource(
        "reports", keys.deserializer(), bytes.deserializer(), topics.snapshotReports().name());
    t.addSource("inputs", keys.deserializer(), bytes.deserializer(), own.inputs());
    t.addProcessor(PROCESSOR, () -> new AuditProcessor(config, topics, own), "reports", "inputs");
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
    sink(t, AUDIT_SINK, topics.auditReports().name(), null, PROCESSOR);
    sink(t, ABORT_SINK, topics.snapshotAborts().name(), null, PROCESSOR);
    sink(t, REQUEST_SINK, topics.snapshotRequests().name(), null, PROCESSOR);
    sink(t, QUARANTINE_SINK, topics.quarantine().name(), null, PROCESSOR);
    sink(t, RETRY_SINK, own.inputs(), InputRouter.TO_FIRST, PROCESSOR);
    return t;
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(
      String name, Serde<K> keys, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values);
  }

  private static void sink(
      Topology t,
      String name,
      String topic,
      StreamPartitioner<String, byte[]> partitioner,
      String parent) {
    if (partitioner == null) {
      t.addSink(name, topic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), parent);
    } else {
      t.addSink(
          name,
          topic,
          Serdes.String().serializer(),
          Serdes.ByteArray().serializer(),
          partitioner,
          parent);
    }
  }
}
