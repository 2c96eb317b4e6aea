package io.snapbank.node.invariants;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.NodeState;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What a bank's committed history holds at one moment, whether taken from the simulator's world or
 * read back from Kafka: each node's committed state, each channel's committed log, the completed
 * local snapshots, and (from the simulator only) what each node really held when it recorded.
 *
 * @param expectedTotal the money the bank must hold
 * @param accounts who owns which account
 * @param nodes each node's last committed state
 * @param logs each channel's committed records, in offset order
 * @param snapshots snapshot id → node → its committed local snapshot
 * @param truths snapshot id → node → its balances and counters at the moment it recorded, as seen
 *     by an observer outside the node (empty when no such observer exists)
 */
public record BankObservation(
    long expectedTotal,
    BankAccounts accounts,
    SortedMap<Integer, NodeState> nodes,
    SortedMap<Channel, List<LogEntry>> logs,
    SortedMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots,
    Map<Long, Map<Integer, Truth>> truths) {

  /** What a node held when it recorded. */
  public record Truth(
      SortedMap<String, Long> balances,
      SortedMap<Integer, io.snapbank.node.core.ChannelCounters> sent,
      SortedMap<Integer, io.snapbank.node.core.ChannelCounters> received) {}

  /** The channels of the bank: i→j for every sender i that node j has a channel from. */
  public TreeSet<Channel> channels() {
    TreeSet<Channel> out = new TreeSet<>();
    nodes.forEach(
        (j, state) -> state.engine().inSeq().keySet().forEach(i -> out.add(new Channel(i, j))));
    return out;
  }

  /** Whether every node applied the same epochs (no switch is half done). */
  public boolean settled() {
    return nodes.values().stream().map(NodeState::epochs).distinct().count() <= 1;
  }

  /** The log of a channel (empty when nothing was written on it). */
  public List<LogEntry> log(Channel c) {
    return logs.getOrDefault(c, List.of());
  }
}
