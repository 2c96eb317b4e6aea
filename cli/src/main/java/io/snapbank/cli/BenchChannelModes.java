package io.snapbank.cli;

import io.snapbank.schemas.ChannelOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The channel modes side by side: the bank saturated with a snapshot per second on channels of 1, 2
 * and 4 partitions in order, and of 2 partitions without order; committed transfers/s and snapshot
 * latency for each.
 */
final class BenchChannelModes {
  private static final List<BenchContext.Layout> LAYOUTS =
      List.of(
          new BenchContext.Layout(1, ChannelOrder.FIFO),
          new BenchContext.Layout(2, ChannelOrder.FIFO),
          new BenchContext.Layout(4, ChannelOrder.FIFO),
          new BenchContext.Layout(2, ChannelOrder.NONE));

  private final BenchContext ctx;

  BenchChannelModes(BenchContext ctx) {
    this.ctx = ctx;
  }

  List<BenchContext.Row> run() throws Exception {
    List<BenchContext.Row> rows = new ArrayList<>();
    BenchThroughput bank = new BenchThroughput(ctx);
    for (BenchContext.Layout layout : LAYOUTS) {
      double rate =
          bank.run(
              true,
              ctx.o.rate(),
              "[9/10] channel modes: " + layout.label() + ", saturated, a snapshot every second",
              false,
              layout);
      BenchThroughput.Snapshots s = bank.lastSnapshots();
      rows.add(
          new BenchContext.Row(
              "channels of " + layout.label() + ": transfers/s, snapshot p50/p99",
              BenchContext.fmt(rate) + ", " + s.p50() + " / " + s.p99() + " ms",
              "-",
              s.consistent()
                  + " consistent, "
                  + s.violations()
                  + " violations, "
                  + s.aborted()
                  + " aborted; saturated, 1 snapshot/s"));
    }
    return rows;
  }
}
