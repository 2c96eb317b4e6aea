package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The bank's committed transfer rate, with or without a snapshot per second, saturated or at a
 * sustained load: transfer and snapshot latencies come with it.
 */
final class BenchThroughput {
  private final BenchContext ctx;
  private final BenchContext.Options o;
  private final PrintStream out;
  private final List<BenchContext.Row> rows = new ArrayList<>();
  private int banks;

  BenchThroughput(BenchContext ctx) {
    this.ctx = ctx;
    this.o = ctx.o;
    this.out = ctx.out;
  }

  // 2. and 3. The bank's committed transfer rate, without and with a snapshot per second.
  /** One bank phase; adds its rows when {@code report}, returns its committed rate. */
  double run(boolean snapshots, double ratePerNode, double ceiling, String phase, boolean report)
      throws Exception {
    return run(snapshots, ratePerNode, phase, report, BenchContext.Layout.DEFAULT);
  }

  /** The snapshot latencies and verdicts of the last phase with snapshots. */
  record Snapshots(long p50, long p99, long consistent, long violations, long aborted) {}

  private Snapshots last = new Snapshots(0, 0, 0, 0, 0);

  /** What the last phase with snapshots measured. */
  Snapshots lastSnapshots() {
    return last;
  }

  /** One bank phase on channels laid out as {@code layout}. */
  double run(
      boolean snapshots,
      double ratePerNode,
      String phase,
      boolean report,
      BenchContext.Layout layout)
      throws Exception {
    return run(snapshots, ratePerNode, phase, report, layout, o.nodes());
  }

  private long lastHeap;

  /** Heap in use after GC at the end of the last phase's measuring window, bank still running. */
  long lastHeapBytes() {
    return lastHeap;
  }

  /** One bank phase of {@code nodeCount} nodes on channels laid out as {@code layout}. */
  double run(
      boolean snapshots,
      double ratePerNode,
      String phase,
      boolean report,
      BenchContext.Layout layout,
      int nodeCount)
      throws Exception {
    boolean saturated = ratePerNode >= o.rate();
    BankTopics topics =
        ctx.bank(
            (snapshots ? "snap" : "plain")
                + (saturated ? "" : "-load")
                + (layout.equals(BenchContext.Layout.DEFAULT)
                    ? ""
                    : "-p" + layout.partitions() + "-" + layout.order())
                + (nodeCount == o.nodes() ? "" : "-n" + nodeCount)
                + "-"
                + (++banks),
            nodeCount,
            20,
            1_000_000_000L,
            layout);
    String prefix = topics.prefix();
    out.printf("%s: %d nodes, %d s...%n", phase, nodeCount, o.duration().toSeconds());
    Histogram latency = new Histogram(3_600_000L, 3);
    LocalBank bank = new LocalBank(topics);
    for (int i = 0; i < nodeCount; i++) {
      BankNode n = bank.start(ctx.config(prefix, i, ratePerNode, 100, 1.0, i + 1));
      n.onCreditLatency(
          ms -> {
            synchronized (latency) {
              latency.recordValue(Math.min(ms, 3_600_000L));
            }
          });
    }
    bank.awaitReady(Duration.ofSeconds(60));
    List<BankNode> nodes = bank.nodes();
    AuditorApp auditor = null;
    Histogram snapLatency = new Histogram(3_600_000L, 3);
    long[] snapCounts = new long[3];
    if (snapshots) {
      auditor =
          new AuditorApp(
              AuditorConfig.of(o.bootstrap(), prefix, o.work().resolve("auditor-" + prefix))
                  .withRequestPeriod(Duration.ofSeconds(1))
                  .withPunctuateInterval(Duration.ofMillis(100))
                  .withTimeout(Duration.ofSeconds(Math.max(10, nodeCount)))
                  .withClientOverrides(o.client()));
      auditor.onReport(
          r -> {
            synchronized (snapLatency) {
              if (r.getDeepAudit() == null) {
                snapCounts[r.getStatus().ordinal()]++;
                if (r.getStatus() != AuditStatus.ABORTED) {
                  snapLatency.recordValue(Math.min(r.getLatencyMs(), 3_600_000L));
                }
              }
            }
          });
      auditor.start();
      auditor.awaitRunning(Duration.ofSeconds(60));
    }
    Thread.sleep(Math.min(3000, o.duration().toMillis())); // warm-up, shorter in a short run
    synchronized (latency) {
      latency.reset();
    }
    synchronized (snapLatency) {
      snapLatency.reset();
      snapCounts[0] = snapCounts[1] = snapCounts[2] = 0;
    }
    long before = BenchContext.committed(nodes);
    long t0 = System.nanoTime();
    Thread.sleep(o.duration().toMillis());
    long after = BenchContext.committed(nodes);
    double rate = (after - before) / ((System.nanoTime() - t0) / 1e9);
    lastHeap = BenchContext.heapAfterGc();
    bank.stopAll();
    if (auditor != null) {
      auditor.close();
    }
    for (BankNode n : nodes) {
      if (n.failure().isPresent()) {
        throw new IllegalStateException("node failed during the benchmark: " + n.failure().get());
      }
    }
    synchronized (snapLatency) {
      last =
          new Snapshots(
              snapLatency.getValueAtPercentile(50),
              snapLatency.getValueAtPercentile(99),
              snapCounts[0],
              snapCounts[1],
              snapCounts[2]);
    }
    String label =
        (snapshots ? "1 snapshot/s" : "no snapshots")
            + (saturated ? ", saturated" : ", sustained load");
    if (!report) {
      return rate;
    }
    if (!saturated) {
      synchronized (latency) {
        rows.add(
            new BenchContext.Row(
                "transfer latency send->credit p50/p99, " + label,
                latency.getValueAtPercentile(50) + " / " + latency.getValueAtPercentile(99) + " ms",
                "-",
                BenchContext.fmt(rate) + " transfers/s committed"));
      }
    }
    if (snapshots) {
      synchronized (snapLatency) {
        rows.add(
            new BenchContext.Row(
                "snapshot latency p50/p99/max, " + label,
                snapLatency.getValueAtPercentile(50)
                    + " / "
                    + snapLatency.getValueAtPercentile(99)
                    + " / "
                    + snapLatency.getMaxValue()
                    + " ms",
                saturated ? "-" : "p50 <= 300 ms, p99 <= 1 s",
                snapCounts[0]
                    + " consistent, "
                    + snapCounts[1]
                    + " violations, "
                    + snapCounts[2]
                    + " aborted"));
      }
    }
    return rate;
  }

  List<BenchContext.Row> rows() {
    return rows;
  }
}
