package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a node's protocol decides from, as one immutable value: what its checkpoint holds and
 * what a restarted node resumes from. Metrics are not part of it.
 *
 * @param nodeId the node
 * @param balances its accounts' balances, minor units
 * @param engine channel sequencing, consumed positions, open snapshots and remembered finished ids
 * @param sent per outgoing channel (by receiver), the transfers sent on it
 * @param received per incoming channel (by sender), the transfers accepted from it
 * @param lastTransferId the number in the id of the last transfer this node sent ({@code
 *     <node>-<number>}); it only grows, across restores too
 * @param epoch the last epoch of the bank's epoch log the node applied
 * @param incarnation the epoch of the last restore it applied (0 for none)
 * @param mode where the node stands as a member
 * @param heirs while leaving: the members' accounts its money goes to, in turn
 */
public record NodeState(
    int nodeId,
    SortedMap<String, Long> balances,
    EngineState engine,
    SortedMap<Integer, ChannelCounters> sent,
    SortedMap<Integer, ChannelCounters> received,
    long lastTransferId,
    long epoch,
    long incarnation,
    NodeMode mode,
    List<AccountRef> heirs) {
  public NodeState {
    if (engine.nodeId() != nodeId) {
      throw new IllegalArgumentException(
          "engine state of node " + engine.nodeId() + " in the state of node " + nodeId);
    }
    balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    sent = Collections.unmodifiableSortedMap(new TreeMap<>(sent));
    received = Collections.unmodifiableSortedMap(new TreeMap<>(received));
    heirs = List.copyOf(heirs);
  }

  /** A member's state from before membership changes existed: ACTIVE, no heirs. */
  public NodeState(
      int nodeId,
      SortedMap<String, Long> balances,
      EngineState engine,
      SortedMap<Integer, ChannelCounters> sent,
      SortedMap<Integer, ChannelCounters> received,
      long lastTransferId,
      long epoch,
      long incarnation) {
    this(
        nodeId,
        balances,
        engine,
        sent,
        received,
        lastTransferId,
        epoch,
        incarnation,
        NodeMode.ACTIVE,
        List.of());
  }

  /** The node's channels and lanes, as its engine state holds them. */
  public NodeTopology topology() {
    TreeSet<Integer> in = new TreeSet<>();
    TreeSet<Integer> out = new TreeSet<>();
    int lanes = 1;
    for (Lane l : engine.inSeq().keySet()) {
      in.add(l.node());
      lanes = Math.max(lanes, l.index() + 1);
    }
    for (Lane l : engine.outSeq().keySet()) {
      out.add(l.node());
      lanes = Math.max(lanes, l.index() + 1);
    }
    return new NodeTopology(nodeId, in, out, lanes, engine.order().order());
  }

  /** A node that has not done anything yet: its opening balances, no channel used. */
  public static NodeState initial(NodeTopology topology, SortedMap<String, Long> opening) {
    TreeMap<Lane, Long> out = new TreeMap<>();
    TreeMap<Lane, Long> in = new TreeMap<>();
    topology.outgoingLanes().forEach(j -> out.put(j, 0L));
    topology.incomingLanes().forEach(i -> in.put(i, 0L));
    EngineState engine =
        new EngineState(
            topology.nodeId(),
            out,
            in,
            new TreeMap<>(in),
            List.of(),
            List.of(),
            new TreeSet<>(),
            new TreeSet<>(),
            OrderState.initial(topology.order()));
    return new NodeState(
        topology.nodeId(), opening, engine, new TreeMap<>(), new TreeMap<>(), 0, 0, 0);
  }

  /**
   * The same state in {@code epoch}, after a membership change rewired the node as {@code r} says:
   * its channels, mode and heirs are {@code r}'s; new channels start at zero, dropped ones are
   * forgotten, their counters too.
   */
  NodeState rewired(Rewiring r, long epoch) {
    NodeTopology t = r.topology();
    return new NodeState(
        nodeId,
        balances,
        engine.withChannels(t.incomingLanes(), t.outgoingLanes()),
        restrict(sent, t.outgoing()),
        restrict(received, t.incoming()),
        lastTransferId,
        epoch,
        incarnation,
        r.mode(),
        r.heirs());
  }

  private static SortedMap<Integer, ChannelCounters> restrict(
      SortedMap<Integer, ChannelCounters> m, Set<Integer> keys) {
    TreeMap<Integer, ChannelCounters> out = new TreeMap<>(m);
    out.keySet().retainAll(keys);
    return out;
  }

  /** Where the node stands in the epoch log. */
  public ChannelRule.Epochs epochs() {
    return new ChannelRule.Epochs(incarnation, epoch);
  }

  /** Sum of the balances. */
  public long total() {
    long t = 0;
    for (long b : balances.values()) {
      t = Math.addExact(t, b);
    }
    return t;
  }

  /** Transfers sent to {@code receiver} so far. */
  public ChannelCounters sentTo(int receiver) {
    return sent.getOrDefault(receiver, ChannelCounters.ZERO);
  }

  /** Transfers accepted from {@code sender} so far. */
  public ChannelCounters receivedFrom(int sender) {
    return received.getOrDefault(sender, ChannelCounters.ZERO);
  }
}
