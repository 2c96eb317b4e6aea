package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.RecordFeeder;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Channel;
import io.snapbank.node.invariants.LogEntry;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a bank's committed history back from Kafka as a {@link BankObservation}, so the Kafka tests
 * check the same invariant objects as the simulator: each node's latest checkpoint, every channel's
 * committed records, and the local snapshot reports. Read it after the nodes stopped.
 */
public final class KafkaObservation {
  private KafkaObservation() {}

  public static BankObservation read(
      String bootstrap, BankTopics topics, BankGenesis genesis, Duration timeout) {
    BankAccounts accounts = ReportCodec.accounts(genesis);
    RecordFeeder feeder = new RecordFeeder(topics.serdes());
    TreeMap<Integer, NodeState> states = new TreeMap<>();
    TreeMap<Channel, List<LogEntry>> logs = new TreeMap<>();
    TreeMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots = new TreeMap<>();
    int n = genesis.getNodes();
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, Map.of())) {
      for (int j = 0; j < n; j++) {
        int node = j;
        NodeState state =
            scanner
                .lastValue(new TopicPartition(topics.nodeState().name(), j), timeout)
                .map(b -> CheckpointCodec.decode(topics.nodeState().decode(b)))
                .orElseThrow(() -> new AssertionError("node " + node + " has no checkpoint"));
        states.put(j, state);
        for (int i = 0; i < n; i++) {
          if (i == j) {
            continue;
          }
          List<LogEntry> log = new ArrayList<>();
          scanner.scanAll(
              new TopicPartition(topics.transfers(i).name(), j),
              timeout,
              r -> log.add(new LogEntry(r.offset(), feeder.message(r.value()))));
          logs.put(new Channel(i, j), log);
        }
      }
      scanner.scanAll(
          new TopicPartition(topics.snapshotReports().name(), 0),
          timeout,
          r -> {
            LocalSnapshotReport report = topics.snapshotReports().decode(r.value());
            LocalSnapshot s = ReportCodec.snapshot(report);
            if (snapshots.computeIfAbsent(s.snapshotId(), k -> new TreeMap<>()).put(s.nodeId(), s)
                != null) {
              throw new AssertionError(
                  "node " + s.nodeId() + " reported snapshot " + s.snapshotId() + " twice");
            }
          });
    }
    return new BankObservation(genesis.getTotal(), accounts, states, logs, snapshots, Map.of());
  }
}
