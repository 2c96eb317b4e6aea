package io.snapbank.auditor.topology;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.schemas.topic.BankTopics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The auditor's Kafka Streams topology (Processor API). Three single-partition sources, read as raw
 * bytes so that undecodable records can be quarantined instead of failing the task:
 *
 * <ul>
 *   <li>{@code <prefix>.snapshot-reports}: one {@code LocalSnapshotReport} per node and snapshot;
 *   <li>{@code <prefix>.snapshot-requests}: the request time of a snapshot, and the start of its
 *       timeout clock;
 *   <li>{@code <prefix>.genesis}: the bank's size N and the total every snapshot must conserve.
 * </ul>
 *
 * <p>They flow into one {@link AuditProcessor} (so one task sees everything) which keeps its state
 * in persistent key-value stores and writes, each keyed by the snapshot id as a decimal string:
 * {@code AuditReport}s to {@code <prefix>.audit-reports}, {@code SnapshotAbort}s to {@code
 * <prefix>.snapshot-aborts} and, when scheduled requests are on, {@code SnapshotRequest}s to {@code
 * <prefix>.snapshot-requests}. Quarantined records go to {@code <prefix>.quarantine} keyed {@code
 * <topic>/<partition>/<offset>}.
 */
public final class AuditorTopology {
  /** Reports of pending snapshots: {@code "<id>/<node>"} → the report's bytes as received. */
  public static final String REPORTS_STORE = "pending-reports";

  /** Pending snapshots: id → {@code "<firstSeenMs>:<requestedAtMs>"} (0 = request not seen). */
  public static final String PENDING_STORE = "pending-snapshots";

  /** Finished (audited or aborted) snapshots: id → when they finished, wall-clock ms. */
  public static final String FINISHED_STORE = "finished-snapshots";

  /** The bank's genesis under key {@code "genesis"}, as received. */
  public static final String GENESIS_STORE = "genesis";

  /**
   * Counters: {@code completed}, {@code aborted}, {@code duplicate}, {@code late}, {@code
   * unknownNode}, {@code quarantined}, {@code requested}, and the scheduler's {@code
   * lastRequestedId} and {@code nextRequestAtMs}.
   */
  public static final String COUNTERS_STORE = "counters";

  static final String AUDIT_SINK = "audit-reports-sink";
  static final String ABORT_SINK = "snapshot-aborts-sink";
  static final String REQUEST_SINK = "snapshot-requests-sink";
  static final String QUARANTINE_SINK = "quarantine-sink";
  static final String PROCESSOR = "audit";

  private AuditorTopology() {}

  public static Topology build(AuditorConfig config, BankTopics topics) {
    Topology t = new Topology();
    Serde<String> keys = Serdes.String();
    Serde<byte[]> bytes = Serdes.ByteArray();
    t.addSource(
        "reports", keys.deserializer(), bytes.deserializer(), topics.snapshotReports().name());
    t.addSource(
        "requests", keys.deserializer(), bytes.deserializer(), topics.snapshotRequests().name());
    t.addSource("genesis", keys.deserializer(), bytes.deserializer(), topics.genesis().name());
    t.addProcessor(
        PROCESSOR, () -> new AuditProcessor(config, topics), "reports", "requests", "genesis");
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REPORTS_STORE), keys, bytes),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.String()),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(FINISHED_STORE), Serdes.Long(), Serdes.Long()),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GENESIS_STORE), keys, bytes),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(COUNTERS_STORE), keys, Serdes.Long()),
        PROCESSOR);
    t.addSink(
        AUDIT_SINK, topics.auditReports().name(), keys.serializer(), bytes.serializer(), PROCESSOR);
    t.addSink(
        ABORT_SINK,
        topics.snapshotAborts().name(),
        keys.serializer(),
        bytes.serializer(),
        PROCESSOR);
    t.addSink(
        REQUEST_SINK,
        topics.snapshotRequests().name(),
        keys.serializer(),
        bytes.serializer(),
        PROCESSOR);
    t.addSink(
        QUARANTINE_SINK,
        topics.quarantine().name(),
        keys.serializer(),
        bytes.serializer(),
        PROCESSOR);
    return t;
  }
}
