package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.core.ChannelOrder;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.serde.DecodeFailure;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what a bank's operator tools need from its topics, read_committed: the genesis, the epoch
 * log, the audit reports and the nodes' latest checkpoints. Records that do not decode are skipped
 * (the nodes and the auditor quarantine them); those whose writer schema is neither this release's
 * nor in the schema store (records of another release) are also noted in {@link #unreadable()}.
 * Decodes with {@code topics}' serdes: give it topics that resolve through the bank's schema store.
 * Not thread-safe; close it after use.
 */
public final class BankReader implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final BankTopics topics;
  private final PartitionScanner scanner;
  private final List<String> unreadable = new ArrayList<>();

  public BankReader(String bootstrap, Map<String, String> overrides, BankTopics topics) {
    this.topics = topics;
    this.scanner = new PartitionScanner(bootstrap, overrides);
  }

  public BankTopics topics() {
    return topics;
  }

  /** The bank's genesis, or empty when the bank does not exist. */
  public Optional<BankGenesis> genesis() {
    return BankSetup.readGenesis(scanner, topics, TIMEOUT);
  }

  /** The bank's genesis; throws with a clear message when there is none. */
  public BankGenesis requireGenesis() {
    return genesis()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "bank '" + topics.prefix() + "' has no genesis; run 'snapbank init' first"));
  }

  /** Whether the bank has its epoch log (banks made by older releases may not). */
  public boolean hasEpochLog() {
    return scanner.exists(topics.epochs().name(), TIMEOUT);
  }

  /** The epoch log, with the genesis members as epoch 0. */
  public EpochHistory epochs(BankGenesis genesis) {
    List<Integer> members = new ArrayList<>();
    for (int i = 0; i < genesis.getNodes(); i++) {
      members.add(i);
    }
    List<BankEpoch> entries = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topics.epochs().name(), 0);
    if (scanner.exists(tp.topic(), TIMEOUT)) {
      scanner.scanAll(
          tp,
          TIMEOUT,
          r -> {
            if (r.value() != null) {
              try {
                entries.add(topics.epochs().decode(r.value()));
              } catch (RecordDecodingException e) {
                // not an epoch record: the nodes quarantine it
                noteUnknownSchema("epoch log offset " + r.offset(), e);
              }
            }
          });
    }
    return new EpochHistory(
        members,
        entries,
        genesis.getChannelPartitions(),
        ChannelOrder.valueOf(genesis.getChannelOrder().name()));
  }

  /** Every audit report, the latest version per snapshot, in the order first written. */
  public Map<Long, AuditReport> auditReports() {
    Map<Long, AuditReport> out = new LinkedHashMap<>();
    TopicPartition tp = new TopicPartition(topics.auditReports().name(), 0);
    scanner.scanAll(
        tp,
        TIMEOUT,
        r -> {
          if (r.value() != null) {
            try {
              AuditReport a = topics.auditReports().decode(r.value());
              out.put(a.getSnapshotId(), a);
            } catch (RecordDecodingException e) {
              // skipped: not a report
              String key = r.key() == null ? "?" : new String(r.key(), StandardCharsets.UTF_8);
              noteUnknownSchema(
                  "the audit report of snapshot " + key + " (offset " + r.offset() + ")", e);
            }
          }
        });
    return out;
  }

  /**
   * The records read so far that this release cannot read because their writer schema is neither
   * its own nor in the schema store, one line each ({@code where: reason}).
   */
  public List<String> unreadable() {
    return List.copyOf(unreadable);
  }

  private void noteUnknownSchema(String where, RecordDecodingException e) {
    if (e.failure() == DecodeFailure.UNKNOWN_SCHEMA) {
      unreadable.add(where + ": " + e.getMessage());
    }
  }

  /** The epoch of each member's latest checkpoint (0 for a node that never committed). */
  public Map<Integer, Long> nodeEpochs(List<Integer> members) {
    Map<Integer, Long> out = new TreeMap<>();
    nodeStates(members).forEach((m, s) -> out.put(m, s.map(NodeState::epoch).orElse(0L)));
    return out;
  }

  /** Each node's latest committed state (empty for a node that never committed). */
  public Map<Integer, Optional<NodeState>> nodeStates(java.util.Collection<Integer> nodes) {
    Map<Integer, Optional<NodeState>> out = new TreeMap<>();
    int partitions = scanner.partitions(topics.nodeState().name(), TIMEOUT);
    for (int m : nodes) {
      out.put(
          m,
          m >= partitions
              ? Optional.empty()
              : scanner
                  .lastValue(new TopicPartition(topics.nodeState().name(), m), TIMEOUT)
                  .map(b -> CheckpointCodec.decode(topics.nodeState().decode(b))));
    }
    return out;
  }

  /** The committed end of partition 0 of {@code topic} (where a new reader starts). */
  public long end(String topic) {
    return scanner.end(new TopicPartition(topic, 0), TIMEOUT);
  }

  /** The log start offset of partition {@code to} of sender {@code from}'s channel topic. */
  public long logStart(int from, int to) {
    return scanner.start(new TopicPartition(topics.transfers(from).name(), to), TIMEOUT);
  }

  @Override
  public void close() {
    scanner.close();
  }
}
