package io.snapbank.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The scale curve: the saturated bank with a snapshot per second at several sizes (all nodes as
 * threads of this JVM), with its committed transfers/s, snapshot latency, the channel partitions it
 * needs (N senders x N receivers) and the heap it holds. The heap figure is this JVM's heap after
 * GC with the bank running, minus the same just before the bank started: the nodes' and the
 * auditor's live data plus what the embedded broker holds for the bank's partitions.
 */
final class BenchScale {
  private final BenchContext ctx;

  BenchScale(BenchContext ctx) {
    this.ctx = ctx;
  }

  List<BenchContext.Row> run(List<Integer> sizes, String step) throws Exception {
    List<BenchContext.Row> rows = new ArrayList<>();
    BenchThroughput bank = new BenchThroughput(ctx);
    for (int n : sizes) {
      long before = BenchContext.heapAfterGc();
      double rate =
          bank.run(
              true,
              ctx.o.rate(),
              step + " scale: " + n + " nodes, saturated, a snapshot every second",
              false,
              BenchContext.Layout.DEFAULT,
              n);
      BenchThroughput.Snapshots s = bank.lastSnapshots();
      long heapMb = Math.max(0, bank.lastHeapBytes() - before) >> 20;
      rows.add(
          new BenchContext.Row(
              String.format("scale, %2d nodes: transfers/s, snapshot p50/p99", n),
              BenchContext.fmt(rate) + ", " + s.p50() + " / " + s.p99() + " ms",
              "-",
              String.format(
                  "%d channel partitions, %d MB heap (bank + broker's share); %d consistent, %d"
                      + " violations, %d aborted",
                  n * n, heapMb, s.consistent(), s.violations(), s.aborted())));
    }
    return rows;
  }
}
