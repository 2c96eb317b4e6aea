package io.snapbank.schemas.serde;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * One serde per record type that crosses Kafka, all resolving unknown writer schemas through the
 * same schema store (or none). Create once and share; thread-safe.
 */
public final class SnapbankSerdes {
  private final SchemaStore store;
  private final AvroSerde<ChannelRecord> channelRecord;
  private final AvroSerde<SnapshotRequest> snapshotRequest;
  private final AvroSerde<SnapshotAbort> snapshotAbort;
  private final AvroSerde<LocalSnapshotReport> localSnapshotReport;
  private final AvroSerde<AuditReport> auditReport;
  private final AvroSerde<BalanceChange> balanceChange;
  private final AvroSerde<BankGenesis> bankGenesis;
  private final AvroSerde<NodeCheckpoint> nodeCheckpoint;
  private final AvroSerde<QuarantineEnvelope> quarantineEnvelope;
  private final AvroSerde<BankEpoch> bankEpoch;
  private final Map<Class<?>, AvroSerde<?>> others = new ConcurrentHashMap<>();

  private SnapbankSerdes(SchemaStore store, Map<String, Schema> writers) {
    this.store = store;
    this.channelRecord = make(ChannelRecord.class, store, writers);
    this.snapshotRequest = make(SnapshotRequest.class, store, writers);
    this.snapshotAbort = make(SnapshotAbort.class, store, writers);
    this.localSnapshotReport = make(LocalSnapshotReport.class, store, writers);
    this.auditReport = make(AuditReport.class, store, writers);
    this.balanceChange = make(BalanceChange.class, store, writers);
    this.bankGenesis = make(BankGenesis.class, store, writers);
    this.nodeCheckpoint = make(NodeCheckpoint.class, store, writers);
    this.quarantineEnvelope = make(QuarantineEnvelope.class, store, writers);
    this.bankEpoch = make(BankEpoch.class, store, writers);
  }

  private static <T extends SpecificRecord> AvroSerde<T> make(
      Class<T> type, SchemaStore store, Map<String, Schema> writers) {
    AvroSerde<T> s = AvroSerde.of(type);
    Schema writer = writers.get(s.readerSchema().getFullName());
    s = writer == null ? s : s.writingWith(writer);
    return store == null ? s : s.resolvingWith(store);
  }

  /** Serdes that know only this release's schemas. */
  public static SnapbankSerdes create() {
    return new SnapbankSerdes(null, Map.of());
  }

  /** Serdes that resolve writer schemas they do not know through {@code store}. */
  public static SnapbankSerdes create(SchemaStore store) {
    return new SnapbankSerdes(store, Map.of());
  }

  /** These serdes, resolving through {@code store} instead; the writer schemas are kept. */
  public SnapbankSerdes resolvingWith(SchemaStore store) {
    return new SnapbankSerdes(store, writers());
  }

  /**
   * These serdes, writing each record type that one of {@code writers} describes with that schema
   * (another release's schema of the record) instead of the class's; see {@link
   * AvroSerde#writingWith}.
   */
  public SnapbankSerdes writingWith(Collection<Schema> writers) {
    Map<String, Schema> w = new HashMap<>(writers());
    for (Schema s : writers) {
      w.put(s.getFullName(), s);
    }
    return new SnapbankSerdes(store, w);
  }

  private Map<String, Schema> writers() {
    Map<String, Schema> out = new HashMap<>();
    for (AvroSerde<?> s : all()) {
      if (!s.writerSchema().equals(s.readerSchema())) {
        out.put(s.writerSchema().getFullName(), s.writerSchema());
      }
    }
    return out;
  }

  /** The schema store unknown writer schemas are resolved through, if any. */
  public Optional<SchemaStore> store() {
    return Optional.ofNullable(store);
  }

  /** The serde of another generated class (the auditor's own records), with the same store. */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return (AvroSerde<T>) others.computeIfAbsent(type, t -> make(type, store, Map.of()));
  }

  /** Every serde of the bank's records. */
  public List<AvroSerde<?>> all() {
    return List.of(
        channelRecord,
        snapshotRequest,
        snapshotAbort,
        localSnapshotReport,
        auditReport,
        balanceChange,
        bankGenesis,
        nodeCheckpoint,
        quarantineEnvelope,
        bankEpoch);
  }

  /** The schemas these serdes write with: what a process must register before it writes. */
  public List<Schema> writerSchemas() {
    List<Schema> out = new ArrayList<>();
    all().forEach(s -> out.add(s.writerSchema()));
    return out;
  }

  public AvroSerde<ChannelRecord> channelRecord() {
    return channelRecord;
  }

  public AvroSerde<SnapshotRequest> snapshotRequest() {
    return snapshotRequest;
  }

  public AvroSerde<SnapshotAbort> snapshotAbort() {
    return snapshotAbort;
  }

  public AvroSerde<LocalSnapshotReport> localSnapshotReport() {
    return localSnapshotReport;
  }

  public AvroSerde<AuditReport> auditReport() {
    return auditReport;
  }

  public AvroSerde<BalanceChange> balanceChange() {
    return balanceChange;
  }

  public AvroSerde<BankGenesis> bankGenesis() {
    return bankGenesis;
  }

  public AvroSerde<NodeCheckpoint> nodeCheckpoint() {
    return nodeCheckpoint;
  }

  public AvroSerde<QuarantineEnvelope> quarantineEnvelope() {
    return quarantineEnvelope;
  }

  public AvroSerde<BankEpoch> bankEpoch() {
    return bankEpoch;
  }
}
