package io.snapbank.schemas.topic;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SchemaVersion;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.AvroSerde;
import io.snapbank.schemas.serde.SnapbankSerdes;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of one bank, all named {@code <prefix>.<name>} so several banks can share a cluster.
 * Channel i→j is made of {@code lanes} partitions of {@link #transfers(int) transfers(i)} (the
 * bank's channel partitions P, from its genesis): lane l is partition {@code j * P + l} ({@link
 * #channelPartition}); with one lane, partition j. Keys are strings: the snapshot id for snapshot
 * topics, the account for balances, the node id for node state, the fingerprint for schemas. The
 * values' serdes are {@link #serdes()}: with a schema store ({@link #resolvingWith}) they read
 * records written with any schema of the record the store holds.
 */
public record BankTopics(String prefix, SnapbankSerdes serdes, int lanes) {
  private static final Serde<String> KEYS = Serdes.String();

  /** The most partitions one channel may use. */
  public static final int MAX_LANES = 64;

  public BankTopics {
    if (prefix == null || !prefix.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "topic prefix must be non-empty and use only letters, digits, '.', '_' and '-': "
              + prefix);
    }
    checkLanes(lanes);
  }

  /** {@code lanes} if a channel may have that many partitions; throws with one line if not. */
  public static int checkLanes(int lanes) {
    if (lanes < 1 || lanes > MAX_LANES) {
      throw new IllegalArgumentException(
          "channel partitions must be 1.." + MAX_LANES + ", not " + lanes);
    }
    return lanes;
  }

  /** The topics of bank {@code prefix}, each channel one partition (until the genesis is read). */
  public static BankTopics of(String prefix) {
    return new BankTopics(prefix, SnapbankSerdes.create(), 1);
  }

  /** These topics, their serdes resolving unknown writer schemas through {@code store}. */
  public BankTopics resolvingWith(SchemaStore store) {
    return new BankTopics(prefix, serdes.resolvingWith(store), lanes);
  }

  /** These topics for a bank whose channels use {@code lanes} partitions each (its genesis). */
  public BankTopics withLanes(int lanes) {
    return new BankTopics(prefix, serdes, lanes);
  }

  /**
   * The partition of a sender's channel topic that carries lane {@code lane} to {@code receiver}.
   */
  public int channelPartition(int receiver, int lane) {
    if (lane < 0 || lane >= lanes) {
      throw new IllegalArgumentException("lane " + lane + " of a channel of " + lanes + " lanes");
    }
    return Math.addExact(Math.multiplyExact(receiver, lanes), lane);
  }

  /** The receiver a partition of a sender's channel topic leads to. */
  public int channelReceiver(int partition) {
    return partition / lanes;
  }

  /** The lane a partition of a sender's channel topic carries. */
  public int channelLane(int partition) {
    return partition % lanes;
  }

  /** The partitions a sender's channel topic needs for receivers {@code 0..nodes-1}. */
  public int channelPartitions(int nodes) {
    return Math.multiplyExact(nodes, lanes);
  }

  /**
   * The bank's schema store (compacted, keyed by the fingerprint as 16 hex digits): every writer
   * schema used on the bank's topics. Its own record's schema is frozen and never resolved through
   * the store.
   */
  public Topic<String, SchemaVersion> schemas() {
    return new Topic<>(prefix + ".schemas", KEYS, AvroSerde.of(SchemaVersion.class));
  }

  /** Sender {@code sender}'s channels: see {@link #channelPartition}. */
  public Topic<String, ChannelRecord> transfers(int sender) {
    return new Topic<>(prefix + ".transfers." + sender, KEYS, serdes.channelRecord());
  }

  public Topic<String, SnapshotRequest> snapshotRequests() {
    return new Topic<>(prefix + ".snapshot-requests", KEYS, serdes.snapshotRequest());
  }

  public Topic<String, SnapshotAbort> snapshotAborts() {
    return new Topic<>(prefix + ".snapshot-aborts", KEYS, serdes.snapshotAbort());
  }

  public Topic<String, LocalSnapshotReport> snapshotReports() {
    return new Topic<>(prefix + ".snapshot-reports", KEYS, serdes.localSnapshotReport());
  }

  public Topic<String, AuditReport> auditReports() {
    return new Topic<>(prefix + ".audit-reports", KEYS, serdes.auditReport());
  }

  public Topic<String, BalanceChange> balances() {
    return new Topic<>(prefix + ".balances", KEYS, serdes.balanceChange());
  }

  public Topic<String, NodeCheckpoint> nodeState() {
    return new Topic<>(prefix + ".node-state", KEYS, serdes.nodeCheckpoint());
  }

  public Topic<String, BankGenesis> genesis() {
    return new Topic<>(prefix + ".genesis", KEYS, serdes.bankGenesis());
  }

  /** The bank's epoch log (compacted, keyed by epoch number): restores and membership changes. */
  public Topic<String, BankEpoch> epochs() {
    return new Topic<>(prefix + ".epochs", KEYS, serdes.bankEpoch());
  }

  public Topic<String, QuarantineEnvelope> quarantine() {
    return new Topic<>(prefix + ".quarantine", KEYS, serdes.quarantineEnvelope());
  }
}
