package io.snapbank.auditor.topology;

import io.snapbank.auditor.avro.DeepAuditRecord;
import io.snapbank.auditor.avro.ListedTransfer;
import io.snapbank.auditor.avro.PendingSnapshotMeta;
import io.snapbank.auditor.avro.RequestScheduleState;
import io.snapbank.auditor.avro.UnreadableChannel;
import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.serde.AvroSerde;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The auditor's own topics, beside the bank's ({@link BankTopics}), named {@code <prefix>.<name>}:
 * {@code <prefix>.deep-audits}, on which the deep-audit stage hands its results ({@link
 * DeepAuditResult}, as a {@link DeepAuditRecord} in Avro single-object encoding, keyed by the
 * snapshot id) to the topology, and {@code <prefix>.audit-inputs} ({@link #inputs()}). Immutable.
 */
public record AuditorTopics(BankTopics bank) {
  public static AuditorTopics of(String prefix) {
    return new AuditorTopics(BankTopics.of(prefix));
  }

  /**
   * Deep-audit results, one partition, keyed by the snapshot id as a decimal string; read with the
   * bank's serdes' schema store.
   */
  public Topic<String, DeepAuditResult> deepAudits() {
    AvroSerde<DeepAuditRecord> records = bank.serdes().of(DeepAuditRecord.class);
    Serde<DeepAuditResult> results =
        Serdes.serdeFrom(
            (topic, result) -> result == null ? null : records.encode(toRecord(result)),
            (topic, bytes) -> bytes == null ? null : fromRecord(records.decode(bytes)));
    return new Topic<>(bank.prefix() + ".deep-audits", Serdes.String(), results);
  }

  /**
   * The schemas the auditor writes with: the bank's records, its deep-audit results and the values
   * of its state stores (their changelog topics are records in Kafka too).
   */
  public List<Schema> writerSchemas() {
    List<Schema> out = new ArrayList<>(bank.serdes().writerSchemas());
    out.add(bank.serdes().of(DeepAuditRecord.class).writerSchema());
    out.add(bank.serdes().of(PendingSnapshotMeta.class).writerSchema());
    out.add(bank.serdes().of(RequestScheduleState.class).writerSchema());
    return out;
  }

  /**
   * The auditor's inputs routed to the task of the report partition they concern, as many
   * partitions as {@code <prefix>.snapshot-reports}: requests and deep-audit results to their
   * snapshot's partition, the genesis and the epoch log to every partition, and retries to allocate
   * to partition 0 ({@link AuditorTopology}). Raw bytes: key and value as they were read, with
   * their origin in headers.
   */
  public String inputs() {
    return bank.prefix() + ".audit-inputs";
  }

  /** The record of a result. */
  public static DeepAuditRecord toRecord(DeepAuditResult r) {
    List<ListedTransfer> transfers = new ArrayList<>();
    for (InFlightTransfer t : r.transfers()) {
      transfers.add(
          new ListedTransfer(
              t.getFromNode(), t.getToNode(), t.getOffset(), t.getTransferId(), t.getAmount()));
    }
    List<UnreadableChannel> unreadable = new ArrayList<>();
    for (UnreadableRange u : r.unreadable()) {
      unreadable.add(new UnreadableChannel(u.fromNode(), u.toNode(), u.reason()));
    }
    return new DeepAuditRecord(r.snapshotId(), transfers, unreadable);
  }

  /** The result a record carries. */
  public static DeepAuditResult fromRecord(DeepAuditRecord r) {
    List<InFlightTransfer> transfers = new ArrayList<>();
    for (ListedTransfer t : r.getTransfers()) {
      transfers.add(
          new InFlightTransfer(
              t.getFromNode(), t.getToNode(), t.getOffset(), t.getTransferId(), t.getAmount()));
    }
    List<UnreadableRange> unreadable = new ArrayList<>();
    for (UnreadableChannel u : r.getUnreadable()) {
      unreadable.add(new UnreadableRange(u.getFromNode(), u.getToNode(), u.getReason()));
    }
    return new DeepAuditResult(r.getSnapshotId(), transfers, unreadable);
  }
}
