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
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a bank's committed history back from Kafka as a {@link BankObservation}, so the Kafka tests
 * check the same invariant objects as the simulator: each node's latest checkpoint, every channel's
 * committed records, and the local snapshot reports. Read it after the nodes stopped.
 */
public final class KafkaObservation {
  private KafkaObservation() {}

  public static BankObservation read(
      String bootstrap, BankTopics given, BankGenesis genesis, Duration timeout) {
    BankTopics topics = given.withLanes(genesis.getChannelPartitions());
    BankTransactions.awaitEnded(bootstrap, topics.prefix(), timeout);
    EpochHistory history;
    try (BankReader reader = new BankReader(bootstrap, Map.of(), topics)) {
      history = reader.epochs(genesis);
    }
    BankAccounts accounts = everyAccount(genesis, history);
    RecordFeeder feeder = new RecordFeeder(topics.serdes());
    TreeMap<Integer, NodeState> states = new TreeMap<>();
    TreeMap<Channel, List<LogEntry>> logs = new TreeMap<>();
    TreeMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots = new TreeMap<>();
    List<Integer> members = history.membersAt(history.current());
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, Map.of())) {
      for (int j : members) {
        NodeState state =
            scanner
                .lastValue(new TopicPartition(topics.nodeState().name(), j), timeout)
                .map(b -> CheckpointCodec.decode(topics.nodeState().decode(b)))
                .orElseThrow(() -> new AssertionError("node " + j + " has no checkpoint"));
        states.put(j, state);
      }
      // every channel that ever was: snapshots of earlier epochs are checked against them too
      for (int j : history.everMembers()) {
        for (int i : history.everMembers()) {
          if (i == j) {
            continue;
          }
          for (int l = 0; l < topics.lanes(); l++) {
            List<LogEntry> log = new ArrayList<>();
            scanner.scanAll(
                new TopicPartition(topics.transfers(i).name(), topics.channelPartition(j, l)),
                timeout,
                r -> log.add(new LogEntry(r.offset(), feeder.message(r.value()))));
            logs.put(new Channel(i, j, l), log);
          }
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
    return new BankObservation(
        genesis.getTotal(), accounts, states, logs, snapshots, Map.of(), facts(genesis, history));
  }

  /** Members and expected money per epoch; empty for a bank whose members never changed. */
  private static TreeMap<Long, BankObservation.EpochFacts> facts(
      BankGenesis genesis, EpochHistory history) {
    TreeMap<Long, BankObservation.EpochFacts> facts = new TreeMap<>();
    if (history.entries().stream().noneMatch(e -> e.getKind() != EpochKind.RESTORE)) {
      return facts;
    }
    for (long e = 0; e <= history.current(); e++) {
      facts.put(
          e,
          new BankObservation.EpochFacts(
              new TreeSet<>(history.membersAt(e)), history.expectedTotalAt(e, genesis.getTotal())));
    }
    return facts;
  }

  /** The accounts of every node that ever was a member: the genesis's and the joined nodes'. */
  private static BankAccounts everyAccount(BankGenesis genesis, EpochHistory history) {
    BankAccounts initial = ReportCodec.accounts(genesis);
    TreeMap<Integer, SortedMap<String, Long>> all = new TreeMap<>(initial.opening());
    for (int node : history.everMembers()) {
      history
          .joinOf(node)
          .ifPresent(
              j -> {
                TreeMap<String, Long> own = new TreeMap<>();
                j.getJoined().getAccounts().forEach(a -> own.put(a.getAccount(), a.getBalance()));
                all.put(node, own);
              });
    }
    return new BankAccounts(all);
  }
}
