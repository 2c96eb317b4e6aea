package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.MembershipController;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a membership change costs: a bank of the run's size under a sustained load, a snapshot
 * requested every second, then a node joins and, later, node 1 leaves (one phase length before,
 * between and after them). Measured: the longest gap between two CONSISTENT snapshots across both
 * changes, the deepest dip of the committed transfer rate (1 s windows) against the rate before the
 * first change, and how long each change takes.
 */
final class BenchMembership {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final BenchContext ctx;

  BenchMembership(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** A committed-transfer count at a moment. */
  private record Sample(long atNanos, long committed) {}

  List<BenchContext.Row> run(double ratePerNode) throws Exception {
    BenchContext.Options o = ctx.o;
    Duration steady = o.duration(); // before the join, between the changes, after the leave
    BankTopics topics = ctx.bank("members", o.nodes(), 20, 1_000_000_000L);
    ctx.out.printf(
        "[8/10] membership: %d nodes at %s transfers/s each, a snapshot every second; a node"
            + " joins, then one leaves...%n",
        o.nodes(), BenchContext.fmt(ratePerNode));
    LocalBank bank = new LocalBank(topics);
    ConcurrentLinkedQueue<Long> consistentAt = new ConcurrentLinkedQueue<>();
    List<Sample> samples = new ArrayList<>();
    try (AuditorApp auditor =
            new AuditorApp(
                AuditorConfig.of(
                        o.bootstrap(), topics.prefix(), o.work().resolve("auditor-members"))
                    .withRequestPeriod(Duration.ofSeconds(1))
                    .withPunctuateInterval(Duration.ofMillis(100))
                    .withTimeout(Duration.ofSeconds(10)));
        MembershipController members = new MembershipController(o.bootstrap(), Map.of(), topics)) {
      auditor.onReport(
          r -> {
            if (r.getStatus() == AuditStatus.CONSISTENT && r.getDeepAudit() == null) {
              consistentAt.add(r.getCompletedAtMs());
            }
          });
      for (int i = 0; i < o.nodes(); i++) {
        bank.start(ctx.config(topics.prefix(), i, ratePerNode, 100, 1.0, i + 21));
      }
      bank.awaitReady(WAIT);
      auditor.start();
      auditor.awaitRunning(WAIT);
      BenchContext.awaitCondition(() -> !consistentAt.isEmpty(), WAIT);
      long from = System.currentTimeMillis();
      sampleFor(bank, samples, steady);
      int before = samples.size();

      long t0 = System.nanoTime();
      BankEpoch join = members.add(20, 1_000_000_000L, "bench", System.currentTimeMillis());
      int joined = join.getJoined().getNodeId();
      bank.start(ctx.config(topics.prefix(), joined, ratePerNode, 100, 1.0, joined + 21));
      requireApplied(members, join);
      double joinSeconds = (System.nanoTime() - t0) / 1e9;
      sampleFor(bank, samples, steady);

      long t1 = System.nanoTime();
      BankEpoch leave =
          members.startLeave(1, Optional.empty(), "bench", System.currentTimeMillis());
      BankEpoch left =
          members
              .finishLeave(leave, WAIT, line -> {}, "bench", System.currentTimeMillis())
              .orElseThrow(() -> new IllegalStateException("node 1 did not drain within 60 s"));
      requireApplied(members, left);
      double leaveSeconds = (System.nanoTime() - t1) / 1e9;
      sampleFor(bank, samples, steady);
      long to = System.currentTimeMillis();
      bank.failed()
          .ifPresent(
              n -> {
                throw new IllegalStateException(
                    "node " + n.nodeId() + " failed: " + n.failure().orElse(""));
              });

      double base = rate(samples.subList(0, before));
      double lowest = lowestWindow(samples.subList(Math.max(0, before - 1), samples.size()));
      double gap = longestGap(consistentAt, from, to) / 1000.0;
      return List.of(
          new BenchContext.Row(
              "membership: longest gap between CONSISTENT snapshots",
              String.format("%.2f s", gap),
              "<= 2 s",
              "1 snapshot/s, across a join and a leave"),
          new BenchContext.Row(
              "membership: throughput dip during the changes",
              String.format("%.0f %%", base <= 0 ? 0 : Math.max(0, (base - lowest) * 100 / base)),
              "-",
              String.format(
                  "lowest 1 s window %s vs %s transfers/s before",
                  BenchContext.fmt(lowest), BenchContext.fmt(base))),
          new BenchContext.Row(
              "membership: join, command to every member running in its epoch",
              String.format("%.2f s", joinSeconds),
              "-",
              "channels created, JOIN written, new node started"),
          new BenchContext.Row(
              "membership: leave, command to LEFT applied by every member",
              String.format("%.2f s", leaveSeconds),
              "-",
              "channels closed, the node drained to the others"));
    } finally {
      bank.stopAll();
    }
  }

  private static void requireApplied(MembershipController members, BankEpoch e)
      throws InterruptedException {
    if (!members.awaitApplied(e, WAIT, line -> {})) {
      throw new IllegalStateException("not every member applied epoch " + e.getEpoch());
    }
  }

  /** Samples the committed transfers every 250 ms for {@code d}. */
  private static void sampleFor(LocalBank bank, List<Sample> samples, Duration d)
      throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      samples.add(new Sample(System.nanoTime(), BenchContext.committed(bank.nodes())));
      Thread.sleep(250);
    }
  }

  /** The mean rate over {@code s}, transfers/s. */
  private static double rate(List<Sample> s) {
    if (s.size() < 2) {
      return 0;
    }
    Sample a = s.get(0);
    Sample b = s.get(s.size() - 1);
    return (b.committed() - a.committed()) * 1e9 / Math.max(1, b.atNanos() - a.atNanos());
  }

  /** The lowest rate over any window of about one second in {@code s}. */
  private static double lowestWindow(List<Sample> s) {
    double lowest = Double.MAX_VALUE;
    for (int i = 0; i + 4 < s.size(); i++) {
      lowest = Math.min(lowest, rate(s.subList(i, i + 5)));
    }
    return lowest == Double.MAX_VALUE ? rate(s) : lowest;
  }

  /** The longest time between two CONSISTENT completions (and the window's ends), ms. */
  private static long longestGap(Iterable<Long> completions, long from, long to) {
    List<Long> times = new ArrayList<>();
    for (long t : completions) {
      if (t >= from && t <= to) {
        times.add(t);
      }
    }
    times.add(from);
    times.add(to);
    times.sort(Long::compare);
    long gap = 0;
    for (int i = 1; i < times.size(); i++) {
      gap = Math.max(gap, times.get(i) - times.get(i - 1));
    }
    return gap;
  }
}
