package io.snapbank.auditor.topology;

import io.snapbank.auditor.app.AuditorConfig;
import io.snapbank.schemas.topic.BankTopics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The auditor's Kafka Streams topology: snapshot reports, snapshot requests and the genesis flow
 * into one {@link AuditProcessor} (all single-partition topics, so one task sees everything),
 * which keeps pending snapshots in persistent stores and writes audit reports, aborts,
 * scheduled requests and quarantined records.
 */
public final class AuditorTopology {
  static final String REPORTS_STORE = "pending-reports";
  static final String PENDING_STORE = "pending-snapshots";
  static final String FINISHED_STORE = "finished-snapshots";
  static final String GENESIS_STORE = "genesis";
  static final String COUNTERS_STORE = "counters";
  static final String AUDIT_SINK = "audit-reports-sink";
  static final String ABORT_SINK = "snapshot-aborts-sink";
  static final String REQUEST_SINK = "snapshot-requests-sink";
  static final String QUARANTINE_SINK = "quarantine-sink";

  private AuditorTopology() {}

  public static Topology build(AuditorConfig config, BankTopics topics) {
    Topology t = new Topology();
    var keys = Serdes.String();
    var bytes = Serdes.ByteArray();
    t.addSource("reports", keys.deserializer(), bytes.deserializer(), topics.snapshotReports().name());
    t.addSource("requests", keys.deserializer(), bytes.deserializer(), topics.snapshotRequests().name());
    t.addSource("genesis", keys.deserializer(), bytes.deserializer(), topics.genesis().name());
    t.addProcessor("audit", () -> new AuditProcessor(config, topics), "reports", "requests", "genesis");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REPORTS_STORE), keys, bytes), "audit");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.String()), "audit");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FINISHED_STORE), Serdes.Long(), Serdes.Long()), "audit");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GENESIS_STORE), keys, bytes), "audit");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTERS_STORE), keys, Serdes.Long()), "audit");
    t.addSink(AUDIT_SINK, topics.auditReports().name(), keys.serializer(), bytes.serializer(), "audit");
    t.addSink(ABORT_SINK, topics.snapshotAborts().name(), keys.serializer(), bytes.serializer(), "audit");
    t.addSink(REQUEST_SINK, topics.snapshotRequests().name(), keys.serializer(), bytes.serializer(), "audit");
    t.addSink(QUARANTINE_SINK, topics.quarantine().name(), keys.serializer(), bytes.serializer(), "audit");
    return t;
  }
}
