package io.snapbank.node.core;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state a node rolls back to from a {@link RestorePlan}: its recorded balances plus exactly the
 * transfers recorded in flight towards it, replayed through {@link ChannelRule}; the replayed count
 * and sum per channel must equal the recorded ones. In the new state no snapshot is open, sequence
 * numbers and channel counters start from zero, consumed positions, remembered snapshot ids and
 * transfer ids are kept, and the plan's epoch is also the node's incarnation. Pure.
 */
final class Restore {
  /** The outcome, and the new state when it was applied. */
  record Applied(RestoreResult result, Optional<NodeState> state) {}

  private Restore() {}

  static Applied apply(
      NodeTopology topology, NodeState current, RestorePlan plan, RangeSource ranges) {
    int self = topology.nodeId();
    if (!plan.balances().keySet().equals(current.balances().keySet())) {
      return refused(
          "the cut records accounts "
              + plan.balances().keySet()
              + ", node "
              + self
              + " holds "
              + current.balances().keySet());
    }
    Ledger next = new Ledger(plan.balances());
    long count = 0;
    long sum = 0;
    for (Lane from : topology.incomingLanes()) {
      ChannelRange range =
          plan.incoming().stream()
              .filter(r -> r.fromLane().equals(from) && r.to() == self)
              .findFirst()
              .orElse(null);
      if (range == null) {
        return refused("the cut has no state for channel " + from.label() + "->" + self);
      }
      ChannelReplay replay =
          new ChannelReplay(
              from,
              self,
              range.seqBefore(),
              range.colourBelow(),
              next::owns,
              plan.cut(),
              a -> next.credit(a.transfer().toAccount(), a.transfer().amount()));
      String where = "channel " + from.label() + "->" + self + ": ";
      Optional<String> unread =
          ranges.read(
              range,
              new RangeSource.Sink() {
                @Override
                public void record(long offset, ChannelMessage message) {
                  replay.offer(offset, message);
                }

                @Override
                public void undecodable(long offset) {
                  replay.undecodable();
                }
              });
      if (unread.isPresent()) {
        return refused(where + unread.get());
      }
      if (replay.count() != range.count() || replay.sum() != range.sum()) {
        return refused(
            where
                + "replayed "
                + replay.count()
                + " transfers summing "
                + replay.sum()
                + ", the cut recorded "
                + range.count()
                + " summing "
                + range.sum());
      }
      count += replay.count();
      sum += replay.sum();
    }
    EngineState now = current.engine();
    TreeMap<Lane, Long> zeroOut = new TreeMap<>();
    TreeMap<Lane, Long> zeroIn = new TreeMap<>();
    topology.outgoingLanes().forEach(j -> zeroOut.put(j, 0L));
    topology.incomingLanes().forEach(i -> zeroIn.put(i, 0L));
    EngineState fresh =
        new EngineState(
            self,
            zeroOut,
            zeroIn,
            now.inNextOffset(),
            List.of(),
            now.finished(),
            new java.util.TreeSet<>(),
            new java.util.TreeSet<>(),
            new OrderState(
                now.order().order(), now.order().colour(), now.order().floor(), new TreeMap<>()));
    NodeState restored =
        new NodeState(
            self,
            next.capture(),
            fresh,
            new TreeMap<>(),
            new TreeMap<>(),
            current.lastTransferId(),
            plan.epoch(),
            plan.epoch());
    return new Applied(
        new RestoreResult(RestoreResult.Outcome.APPLIED, "", count, sum), Optional.of(restored));
  }

  private static Applied refused(String detail) {
    return new Applied(RestoreResult.refused(detail), Optional.empty());
  }
}
