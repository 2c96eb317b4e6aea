package io.snapbank.node.invariants;

import java.util.ArrayList;
import java.util.List;

/**
 * Every channel is FIFO: its committed log holds the sender's records numbered 1, 2, 3… in order,
 * up to the last number the sender committed, with no gap.
 *
 * <p>Checked when every node applied the same epochs; while a restore is half applied the two
 * timelines are not comparable (the restore's own check covers that moment).
 */
public final class FifoPerChannel implements Invariant {
  @Override
  public String name() {
    return "FIFO per channel";
  }

  @Override
  public List<String> violations(BankObservation o) {
    List<String> out = new ArrayList<>();
    if (!o.settled()) {
      return out;
    }
    for (Channel c : o.lanes()) {
      LogReplay all = LogReplay.all(o, c);
      for (String gap : all.replay.problems()) {
        out.add("channel " + c + ": " + gap);
      }
      long last = o.nodes().get(c.from()).engine().outSeq().getOrDefault(c.outgoing(), 0L);
      if (all.lastSeq != last) {
        out.add(
            "channel "
                + c
                + ": the log's records run up to seq "
                + all.lastSeq
                + ", the sender committed seq "
                + last);
      }
    }
    return out;
  }
}
