package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelReplay;
import io.snapbank.node.core.Lane;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Each transfer is credited exactly once: replaying every channel's committed log through the
 * receiver's rule, the accepted transfers are exactly what the sender committed as sent, those
 * below the receiver's committed position are exactly what it committed as accepted, and no
 * transfer id is accepted twice anywhere.
 *
 * <p>Checked when every node applied the same epochs; while a restore is half applied the two
 * timelines are not comparable (the restore's own check covers that moment).
 */
public final class CreditedExactlyOnce implements Invariant {
  @Override
  public String name() {
    return "credited exactly once";
  }

  @Override
  public List<String> violations(BankObservation o) {
    List<String> out = new ArrayList<>();
    if (!o.settled()) {
      return out;
    }
    Set<String> ids = new HashSet<>();
    for (Channel c : o.channels()) {
      LogReplay all = LogReplay.all(o, c);
      ChannelCounters sent = o.nodes().get(c.from()).sentTo(c.to());
      if (all.count() != sent.count() || all.sum() != sent.sum()) {
        out.add(
            "channel "
                + c
                + ": the log holds "
                + all.count()
                + " acceptable transfers summing "
                + all.sum()
                + ", the sender committed "
                + sent);
      }
      long position =
          o.nodes().get(c.to()).engine().inNextOffset().getOrDefault(Lane.of(c.from()), 0L);
      long below = 0;
      long belowSum = 0;
      for (ChannelReplay.Accepted a : all.accepted) {
        if (!ids.add(a.transfer().transferId())) {
          out.add("transfer " + a.transfer().transferId() + " accepted twice");
        }
        if (a.offset() < position) {
          below++;
          belowSum += a.transfer().amount();
        }
      }
      ChannelCounters got = o.nodes().get(c.to()).receivedFrom(c.from());
      if (below != got.count() || belowSum != got.sum()) {
        out.add(
            "channel "
                + c
                + ": "
                + below
                + " transfers summing "
                + belowSum
                + " lie below the receiver's position "
                + position
                + ", it committed "
                + got
                + " as accepted");
      }
    }
    return out;
  }
}
