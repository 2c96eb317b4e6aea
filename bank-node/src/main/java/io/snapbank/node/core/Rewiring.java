package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * How one node's channels and standing follow a membership change, as a pure function of the change
 * and where the node stands.
 *
 * <pre>
 * change          node                     channels                           standing
 * Joined(K)       a member                 + K→self, + self→K                 -
 * Joined(K)       K itself                 (set up by its first state)        -
 * Leaving(K)      a member sending to K    self→K gets its final record       -
 * Leaving(K)      K itself                 -                                  LEAVING, heirs
 * Left(K)         a member, K→self closed  - K→self, - self→K                 -
 * Left(K)         a member, K→self open    - self→K (K→self kept until final) -
 * Left(K)         K itself                 -                                  GONE
 * </pre>
 *
 * @param topology the node's channels in the new epoch
 * @param mode where the node stands in the new epoch
 * @param heirs where a leaving node's money goes
 * @param closeTo the outgoing channel whose final record the node sends now, if any
 */
record Rewiring(NodeTopology topology, NodeMode mode, List<AccountRef> heirs, OptionalInt closeTo) {
  Rewiring {
    heirs = List.copyOf(heirs);
  }

  /**
   * The rewiring of a node with channels {@code topology}, standing {@code mode} and {@code heirs},
   * whose incoming channels {@code closedFrom} have had their final record, for {@code change}.
   */
  static Rewiring of(
      MembershipChange change,
      NodeTopology topology,
      NodeMode mode,
      List<AccountRef> heirs,
      IntPredicate closedFrom) {
    int self = topology.nodeId();
    if (change instanceof MembershipChange.Joined j) {
      NodeTopology next = j.nodeId() == self ? topology : topology.plus(j.nodeId());
      return new Rewiring(next, mode, heirs, OptionalInt.empty());
    }
    if (change instanceof MembershipChange.Leaving l) {
      if (l.nodeId() == self) {
        return new Rewiring(topology, NodeMode.LEAVING, l.heirs(), OptionalInt.empty());
      }
      OptionalInt close =
          topology.outgoing().contains(l.nodeId())
              ? OptionalInt.of(l.nodeId())
              : OptionalInt.empty();
      return new Rewiring(topology, mode, heirs, close);
    }
    int gone = ((MembershipChange.Left) change).nodeId();
    if (gone == self) {
      return new Rewiring(topology, NodeMode.GONE, heirs, OptionalInt.empty());
    }
    if (closedFrom.test(gone) || !topology.incoming().contains(gone)) {
      return new Rewiring(topology.minus(gone), mode, heirs, OptionalInt.empty());
    }
    TreeSet<Integer> out = new TreeSet<>(topology.outgoing());
    out.remove(gone);
    return new Rewiring(
        new NodeTopology(self, topology.incoming(), out, topology.lanes(), topology.order()),
        mode,
        heirs,
        OptionalInt.empty());
  }

  /**
   * The transfers that move every positive balance of a draining node to its {@code heirs}, one
   * heir after the other; none when there are no heirs.
   */
  static List<TransferOrder> drain(SortedMap<String, Long> balances, List<AccountRef> heirs) {
    List<TransferOrder> orders = new ArrayList<>();
    if (heirs.isEmpty()) {
      return orders;
    }
    int next = 0;
    for (Map.Entry<String, Long> e : balances.entrySet()) {
      if (e.getValue() > 0) {
        AccountRef heir = heirs.get(next++ % heirs.size());
        orders.add(new TransferOrder(e.getKey(), heir.nodeId(), heir.account(), e.getValue()));
      }
    }
    return orders;
  }
}
