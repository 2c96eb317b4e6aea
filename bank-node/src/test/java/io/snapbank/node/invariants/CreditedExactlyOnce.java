package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelReplay;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
    Map<Channel, List<Channel>> lanesOf = new TreeMap<>();
    o.lanes().forEach(l -> lanesOf.computeIfAbsent(l.pair(), k -> new ArrayList<>()).add(l));
    for (Channel c : o.channels()) {
      long count = 0;
      long sum = 0;
      long below = 0;
      long belowSum = 0;
      StringBuilder positions = new StringBuilder();
      for (Channel lane : lanesOf.getOrDefault(c, List.of())) {
        LogReplay all = LogReplay.all(o, lane);
        count += all.count();
        sum += all.sum();
        long position =
            o.nodes().get(c.to()).engine().inNextOffset().getOrDefault(lane.incoming(), 0L);
        positions
            .append(positions.length() == 0 ? "" : ", ")
            .append(lane)
            .append(" at ")
            .append(position);
        for (ChannelReplay.Accepted a : all.accepted) {
          if (!ids.add(a.transfer().transferId())) {
            out.add("transfer " + a.transfer().transferId() + " accepted twice");
          }
          if (a.offset() < position) {
            below++;
            belowSum += a.transfer().amount();
          }
        }
      }
      ChannelCounters sent = o.nodes().get(c.from()).sentTo(c.to());
      if (count != sent.count() || sum != sent.sum()) {
        out.add(
            "channel "
                + c
                + ": the log holds "
                + count
                + " acceptable transfers summing "
                + sum
                + ", the sender committed "
                + sent);
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
                + " lie below the receiver's positions ("
                + positions
                + "), it committed "
                + got
                + " as accepted");
      }
    }
    return out;
  }
}
