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

/** One immutable serde per record type that crosses Kafka. Create once and share. */
public record SnapbankSerdes(
    AvroSerde<ChannelRecord> channelRecord,
    AvroSerde<SnapshotRequest> snapshotRequest,
    AvroSerde<SnapshotAbort> snapshotAbort,
    AvroSerde<LocalSnapshotReport> localSnapshotReport,
    AvroSerde<AuditReport> auditReport,
    AvroSerde<BalanceChange> balanceChange,
    AvroSerde<BankGenesis> bankGenesis,
    AvroSerde<NodeCheckpoint> nodeCheckpoint,
    AvroSerde<QuarantineEnvelope> quarantineEnvelope,
    AvroSerde<BankEpoch> bankEpoch) {

  public static SnapbankSerdes create() {
    return new SnapbankSerdes(
        AvroSerde.of(ChannelRecord.class),
        AvroSerde.of(SnapshotRequest.class),
        AvroSerde.of(SnapshotAbort.class),
        AvroSerde.of(LocalSnapshotReport.class),
        AvroSerde.of(AuditReport.class),
        AvroSerde.of(BalanceChange.class),
        AvroSerde.of(BankGenesis.class),
        AvroSerde.of(NodeCheckpoint.class),
        AvroSerde.of(QuarantineEnvelope.class),
        AvroSerde.of(BankEpoch.class));
  }
}
