package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No money is created or lost: the committed balances plus the money in flight (per channel, what
 * the sender committed as sent minus what the receiver committed as accepted) equal the expected
 * total; no balance is negative and no channel has accepted more than was sent.
 *
 * <p>Checked when every node applied the same epochs; while a restore is half applied the two
 * timelines are not comparable (the restore's own check covers that moment).
 */
public final class Conservation implements Invariant {
  @Override
  public String name() {
    return "conservation";
  }

  @Override
  public List<String> violations(BankObservation o) {
    List<String> out = new ArrayList<>();
    if (!o.settled()) {
      return out;
    }
    long total = 0;
    for (NodeState s : o.nodes().values()) {
      for (Map.Entry<String, Long> b : s.balances().entrySet()) {
        if (b.getValue() < 0) {
          out.add("account " + b.getKey() + " of node " + s.nodeId() + " is " + b.getValue());
        }
        total += b.getValue();
      }
    }
    for (Channel c : o.dangling()) {
      out.add("node " + c.to() + " still reads channel " + c + " from a node that is gone");
    }
    for (Channel c : o.channels()) {
      ChannelCounters sent = o.nodes().get(c.from()).sentTo(c.to());
      ChannelCounters got = o.nodes().get(c.to()).receivedFrom(c.from());
      if (got.count() > sent.count() || got.sum() > sent.sum()) {
        out.add("channel " + c + " accepted " + got + " but only " + sent + " was sent");
      }
      total += sent.sum() - got.sum();
    }
    if (total != o.expectedNow()) {
      out.add(
          "balances + in flight = "
              + total
              + ", expected "
              + o.expectedNow()
              + " (money lost or made)");
    }
    return out;
  }
}
