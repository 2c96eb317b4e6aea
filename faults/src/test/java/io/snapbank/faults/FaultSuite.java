package io.snapbank.faults;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fault run from start to verdict: prints {@code faults: seed=...}, a line per fault, then the
 * {@code PASS}/{@code FAIL} line. Processes that exited on their own fail the run before anything
 * the logs show.
 */
final class FaultSuite {
  private FaultSuite() {}

  static Verdict run(FaultSettings settings, PrintStream out) throws Exception {
    FaultSchedule schedule = FaultSchedule.plan(settings);
    out.printf(
        "faults: seed=%d brokers=%d duration=%ds nodes=%d faults=%d broker-pause=%ds%s%n",
        settings.seed(),
        settings.brokers(),
        settings.duration().toSeconds(),
        settings.nodes(),
        schedule.faults().size(),
        settings.brokerPause().toSeconds(),
        settings.pauseBeyondTxnTimeout() ? "" : " (below the client timeouts)");
    Verdict verdict;
    Path failuresFile;
    try (FaultRun run = new FaultRun(settings, out)) {
      failuresFile = run.dir().resolve("failures.txt");
      out.println("logs: " + run.dir());
      run.start();
      run.inject(schedule);
      try (LogReader reader =
          new LogReader(run.bootstrap(), FaultRun.PREFIX, new AvroFiles(settings.schemaDir()))) {
        String quiet;
        long finalSnapshot = -1;
        if (run.unexpectedExits().isEmpty()) {
          quiet = run.quiesce(reader);
          List<Long> finals = run.finalSnapshots();
          finalSnapshot = finals.get(finals.size() - 1);
        } else {
          quiet = "skipped: a process exited on its own";
          run.stopBank();
        }
        Verdict logs = new BankChecker(reader).check(finalSnapshot);
        List<String> failures = new ArrayList<>(run.unexpectedExits());
        if (quiet != null) {
          failures.add("quiescing: " + quiet);
        }
        failures.addAll(logs.failures());
        verdict =
            new Verdict(
                failures,
                logs.figures()
                    + " faults "
                    + perKind(run.injected())
                    + " restarts="
                    + run.restarts());
      }
    }
    Files.write(failuresFile, verdict.failures(), StandardCharsets.UTF_8);
    for (String f : verdict.failures().subList(0, Math.min(10, verdict.failures().size()))) {
      out.println("  " + f);
    }
    if (verdict.failures().size() > 10) {
      out.println("  ... " + verdict.failures().size() + " failures in all, in " + failuresFile);
    }
    out.println(verdict.line());
    return verdict;
  }

  private static String perKind(Map<FaultKind, Integer> injected) {
    StringBuilder b = new StringBuilder();
    for (FaultKind k : FaultKind.values()) {
      b.append(b.length() == 0 ? "" : ",")
          .append(k)
          .append('=')
          .append(injected.getOrDefault(k, 0));
    }
    return b.toString();
  }
}
