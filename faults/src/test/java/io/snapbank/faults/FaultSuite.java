package io.snapbank.faults;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fault run from start to verdict: {@link #run} prints {@code faults: seed=...}, a line per
 * fault, then the {@code PASS}/{@code FAIL} line. Processes that exited on their own fail the run
 * before anything the logs show. The cluster stays up, with the bank stopped, until {@link #close},
 * so a caller can change its logs and check them again ({@link #recheck}).
 */
final class FaultSuite implements AutoCloseable {
  private final FaultRun run;
  private final LogReader reader;
  private final PrintStream out;
  private long finalSnapshot = -1;

  private FaultSuite(FaultRun run, LogReader reader, PrintStream out) {
    this.run = run;
    this.reader = reader;
    this.out = out;
  }

  /** Starts the bank, injects the schedule {@code settings} plans, quiesces and checks the logs. */
  static FaultSuite run(FaultSettings settings, PrintStream out) throws Exception {
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
    FaultRun run = new FaultRun(settings, out);
    LogReader reader = null;
    try {
      out.println("logs: " + run.dir());
      run.start();
      run.inject(schedule);
      reader = new LogReader(run.bootstrap(), FaultRun.PREFIX, new AvroFiles(settings.schemaDir()));
      return new FaultSuite(run, reader, out);
    } catch (Exception | Error e) {
      if (reader != null) {
        reader.close();
      }
      run.close();
      throw e;
    }
  }

  /**
   * Quiesces the bank (when no process exited on its own), checks every log and prints the verdict;
   * the failures also go to {@code failures.txt} in the run's directory.
   */
  Verdict verdict() throws Exception {
    String quiet;
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
    Verdict verdict =
        new Verdict(
            failures,
            logs.figures() + " faults " + perKind(run.injected()) + " restarts=" + run.restarts());
    Path failuresFile = run.dir().resolve("failures.txt");
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

  /** The logs checked again as they are now, against the same final snapshot. */
  Verdict recheck() throws Exception {
    return new BankChecker(reader).check(finalSnapshot);
  }

  /** The cluster's bootstrap list. */
  String bootstrap() {
    return run.bootstrap();
  }

  @Override
  public void close() throws Exception {
    try {
      reader.close();
    } finally {
      run.close();
    }
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
