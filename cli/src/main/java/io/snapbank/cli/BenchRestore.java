package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.RestoreController;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Restore time: a bank of the run's size under a sustained load, rolled back to its latest
 * CONSISTENT snapshot; measured as the restore command does it, from its start (the plan and the
 * restorability checks, which re-read every recorded range) until every node has committed in the
 * new epoch.
 */
final class BenchRestore {
  private final BenchContext ctx;

  BenchRestore(BenchContext ctx) {
    this.ctx = ctx;
  }

  List<BenchContext.Row> run(double ratePerNode) throws Exception {
    BenchContext.Options o = ctx.o;
    PrintStream out = ctx.out;
    BankTopics topics = ctx.bank("restore", o.nodes(), 20, 1_000_000_000L);
    out.printf(
        "[7/10] restore: %d nodes at %s transfers/s each, rolled back to the latest verified"
            + " snapshot...%n",
        o.nodes(), BenchContext.fmt(ratePerNode));
    LocalBank bank = new LocalBank(topics);
    AtomicReference<AuditReport> latest = new AtomicReference<>();
    try (AuditorApp auditor =
        new AuditorApp(
            AuditorConfig.of(o.bootstrap(), topics.prefix(), o.work().resolve("auditor-restore"))
                .withRequestPeriod(Duration.ofMillis(500))
                .withPunctuateInterval(Duration.ofMillis(100))
                .withTimeout(Duration.ofSeconds(10))
                .withClientOverrides(o.client()))) {
      auditor.onReport(
          r -> {
            if (r.getStatus() == AuditStatus.CONSISTENT && r.getDeepAudit() == null) {
              latest.set(r);
            }
          });
      for (int i = 0; i < o.nodes(); i++) {
        bank.start(ctx.config(topics.prefix(), i, ratePerNode, 100, 1.0, i + 11));
      }
      bank.awaitReady(Duration.ofSeconds(60));
      auditor.start();
      auditor.awaitRunning(Duration.ofSeconds(60));
      BenchContext.awaitCondition(() -> latest.get() != null, Duration.ofSeconds(60));
      Thread.sleep(2000); // the old timeline goes on past the cut
      try (RestoreController c = new RestoreController(o.bootstrap(), o.client(), topics)) {
        long t0 = System.nanoTime(); // what the restore command does: plan and check, switch, wait
        RestoreController.Plan plan = c.plan(latest.get().getSnapshotId());
        if (!plan.restorable()) {
          throw new IllegalStateException(
              "the benchmark's cut is not restorable: " + plan.refusals());
        }
        BankEpoch e = c.commit(plan, "bench", "restore time", System.currentTimeMillis());
        boolean all = c.await(e.getEpoch(), plan.members(), Duration.ofSeconds(60), line -> {});
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!all) {
          throw new IllegalStateException("not every node switched within 60 s");
        }
        bank.failed()
            .ifPresent(
                n -> {
                  throw new IllegalStateException(
                      "node " + n.nodeId() + " failed: " + n.failure().orElse(""));
                });
        return List.of(
            new BenchContext.Row(
                "restore: command (checks, switch) to every node committing in it",
                String.format("%.2f s", seconds),
                "<= 5 s",
                o.nodes()
                    + " nodes under load; "
                    + plan.cut().getChannels().stream().mapToLong(x -> x.getCount()).sum()
                    + " in-flight transfers replayed"));
      }
    } finally {
      bank.stopAll();
    }
  }
}
