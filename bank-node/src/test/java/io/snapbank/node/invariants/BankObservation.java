package io.snapbank.node.invariants;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.Lane;
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
 * @param epochs per epoch of the bank's epoch log, its members and the money they hold (empty for a
 *     bank whose members never changed: then the nodes' channels and {@code expectedTotal} hold)
 */
public record BankObservation(
    long expectedTotal,
    BankAccounts accounts,
    SortedMap<Integer, NodeState> nodes,
    SortedMap<Channel, List<LogEntry>> logs,
    SortedMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots,
    Map<Long, Map<Integer, Truth>> truths,
    SortedMap<Long, EpochFacts> epochs) {

  /** The members of an epoch (each sends to each other) and the money they must hold. */
  public record EpochFacts(java.util.SortedSet<Integer> members, long expectedTotal) {
    /** Every channel between two members. */
    public TreeSet<Channel> channels() {
      TreeSet<Channel> out = new TreeSet<>();
      for (int i : members) {
        for (int j : members) {
          if (i != j) {
            out.add(new Channel(i, j));
          }
        }
      }
      return out;
    }
  }

  /** An observation of a bank whose members never changed. */
  public BankObservation(
      long expectedTotal,
      BankAccounts accounts,
      SortedMap<Integer, NodeState> nodes,
      SortedMap<Channel, List<LogEntry>> logs,
      SortedMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots,
      Map<Long, Map<Integer, Truth>> truths) {
    this(expectedTotal, accounts, nodes, logs, snapshots, truths, new java.util.TreeMap<>());
  }

  /** The money the nodes must hold now (they all applied the same epochs). */
  public long expectedNow() {
    if (epochs.isEmpty() || nodes.isEmpty()) {
      return expectedTotal;
    }
    long epoch = nodes.values().iterator().next().epoch();
    return ((java.util.TreeMap<Long, EpochFacts>) new java.util.TreeMap<>(epochs))
        .floorEntry(epoch)
        .getValue()
        .expectedTotal();
  }

  /** What a node held when it recorded. */
  public record Truth(
      SortedMap<String, Long> balances,
      SortedMap<Integer, io.snapbank.node.core.ChannelCounters> sent,
      SortedMap<Integer, io.snapbank.node.core.ChannelCounters> received) {}

  /** The channels of the bank: i→j for every member i that member j has a channel from. */
  public TreeSet<Channel> channels() {
    TreeSet<Channel> out = new TreeSet<>();
    lanes().forEach(c -> out.add(c.pair()));
    return out;
  }

  /** Every lane of every channel of the bank, as its receiver reads them. */
  public TreeSet<Channel> lanes() {
    TreeSet<Channel> out = new TreeSet<>();
    nodes.forEach(
        (j, state) ->
            state.engine().inSeq().keySet().stream()
                .filter(l -> nodes.containsKey(l.node()))
                .forEach(l -> out.add(new Channel(l.node(), j, l.index()))));
    return out;
  }

  /** The lanes per channel of the bank (1 when no node has a channel). */
  public int lanesPerChannel() {
    return nodes.values().stream().mapToInt(s -> s.topology().lanes()).max().orElse(1);
  }

  /** Channels a node still reads from a node that is no longer a member. */
  public TreeSet<Channel> dangling() {
    TreeSet<Channel> out = new TreeSet<>();
    nodes.forEach(
        (j, state) ->
            state.engine().inSeq().keySet().stream()
                .map(Lane::node)
                .filter(i -> !nodes.containsKey(i))
                .forEach(i -> out.add(new Channel(i, j))));
    return out;
  }

  /** Whether every node applied the same epochs (no switch is half done). */
  public boolean settled() {
    return nodes.values().stream().map(NodeState::epochs).distinct().count() <= 1;
  }

  /** The log of a lane of a channel (empty when nothing was written on it). */
  public List<LogEntry> log(Channel c) {
    return logs.getOrDefault(c, List.of());
  }
}
