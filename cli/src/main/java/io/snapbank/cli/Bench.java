package io.snapbank.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark: Kafka's own transactional produce ceiling, the bank's committed transfer rate and
 * latency without and with a snapshot per second, snapshot latency, node heap with a snapshot held
 * open over many in-flight transfers, recovery time after SIGKILL, restore time, what a membership
 * change costs, the channel modes side by side and the curve over bank size. Each phase is its own
 * class; this one runs them in order and prints one table. No figure is asserted here.
 */
final class Bench {
  private final BenchContext ctx;
  private final List<BenchContext.Row> rows = new ArrayList<>();

  Bench(BenchContext.Options options, PrintStream out) {
    this.ctx = new BenchContext(options, out);
  }

  /** The phases a run can select ({@code bench --phases}); all by default. */
  enum Phase {
    CEILING,
    THROUGHPUT,
    MEMORY,
    RECOVERY,
    RESTORE,
    MEMBERSHIP,
    MODES,
    SCALE
  }

  List<BenchContext.Row> run() throws Exception {
    BenchContext.Options o = ctx.o;
    double ceiling = 0;
    if (o.phases().contains(Phase.CEILING)) {
      BenchCeiling ceilingPhase = new BenchCeiling(ctx);
      ceiling = ceilingPhase.run();
      rows.addAll(ceilingPhase.rows());
    }
    // without the throughput phase, the phases under load run at the offered rate, capped
    double sustained = Math.min(o.rate(), UNMEASURED_SUSTAINED_RATE);
    double with = 0;
    if (o.phases().contains(Phase.THROUGHPUT)) {
      BenchThroughput bank = new BenchThroughput(ctx);
      // saturated pairs, alternating, best of each: the first runs also warm the JVM up
      double plain = 0;
      for (int round = 1; round <= o.rounds(); round++) {
        plain =
            Math.max(
                plain,
                bank.run(
                    false,
                    o.rate(),
                    ceiling,
                    "[2/10] saturated, no snapshots, round " + round,
                    round == o.rounds()));
        with =
            Math.max(
                with,
                bank.run(
                    true,
                    o.rate(),
                    ceiling,
                    "[3/10] saturated, a snapshot every second, round " + round,
                    round == o.rounds()));
      }
      rows.add(
          new BenchContext.Row(
              "bank committed transfers/s, no snapshots, saturated",
              BenchContext.fmt(plain),
              ">= 100,000 or >= 0.3 x Kafka",
              ofCeiling(plain, ceiling) + "best of " + o.rounds()));
      rows.add(
          new BenchContext.Row(
              "bank committed transfers/s, 1 snapshot/s, saturated",
              BenchContext.fmt(with),
              ">= 100,000 or >= 0.3 x Kafka",
              ofCeiling(with, ceiling) + "best of " + o.rounds()));
      double overhead = plain <= 0 ? 0 : (plain - with) * 100.0 / plain;
      rows.add(
          new BenchContext.Row(
              "snapshot overhead at 1 snapshot/s",
              String.format("%.1f %%", overhead),
              "<= 5 %",
              "saturated throughput lost vs. no snapshots"));
      sustained = Math.max(1000, plain * o.loadShare() / o.nodes());
      bank.run(
          true,
          sustained,
          ceiling,
          String.format(
              "[4/10] %.0f %% of saturation (%s transfers/s), a snapshot every second",
              o.loadShare() * 100, BenchContext.fmt(sustained * o.nodes())),
          true);
      rows.addAll(bank.rows());
    }
    if (o.phases().contains(Phase.MEMORY)) {
      rows.addAll(new BenchMemory(ctx).run());
    }
    if (o.phases().contains(Phase.RECOVERY)) {
      rows.addAll(new BenchRecovery(ctx).run());
      rows.addAll(new BenchBrokerRestart(ctx).run());
    }
    if (o.phases().contains(Phase.RESTORE)) {
      rows.addAll(new BenchRestore(ctx).run(sustained));
    }
    if (o.phases().contains(Phase.MEMBERSHIP)) {
      rows.addAll(new BenchMembership(ctx).run(sustained));
    }
    if (o.phases().contains(Phase.MODES)) {
      rows.addAll(new BenchChannelModes(ctx).run());
    }
    if (o.phases().contains(Phase.SCALE)) {
      rows.addAll(new BenchScale(ctx).run(o.scale(), "[10/10]"));
    }
    if (o.peer() != null) {
      if (with == 0) {
        with =
            new BenchThroughput(ctx)
                .run(
                    true,
                    o.rate(),
                    0,
                    "[peer] snapbank, saturated, a snapshot every second",
                    false);
      }
      rows.addAll(new BenchPeer(ctx).run(o.peer(), o.duration(), with));
    }
    return rows;
  }

  /**
   * Offered transfers/s per node of the phases under load when the throughput phase did not run.
   */
  private static final double UNMEASURED_SUSTAINED_RATE = 50_000;

  private static String ofCeiling(double rate, double ceiling) {
    return ceiling <= 0 ? "" : String.format("%.2f x Kafka; ", rate / ceiling);
  }

  static void print(PrintStream out, List<BenchContext.Row> rows) {
    int w0 = 10;
    int w1 = 5;
    int w2 = 6;
    for (BenchContext.Row r : rows) {
      w0 = Math.max(w0, r.metric().length());
      w1 = Math.max(w1, r.value().length());
      w2 = Math.max(w2, r.target().length());
    }
    String f = "%-" + w0 + "s | %" + w1 + "s | %-" + w2 + "s | %s%n";
    out.printf(f, "metric", "value", "target", "note");
    out.println("-".repeat(w0 + w1 + w2 + 20));
    for (BenchContext.Row r : rows) {
      out.printf(f, r.metric(), r.value(), r.target(), r.note());
    }
  }
}
