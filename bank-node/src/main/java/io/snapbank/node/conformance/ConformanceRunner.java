package io.snapbank.node.conformance;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Replays a directory of Chandy-Lamport conformance cases (a {@code cases.tsv} listing topology,
 * events, expected snapshot files and initial total per case, plus {@code delays.txt}) through the
 * snapshot engine and compares every expected snapshot exactly: id, every node's recorded count,
 * every channel's ordered recorded tokens, and conservation of the initial total. Prints one line
 * per expected snapshot and a final {@code N passed, M failed} line.
 */
public final class ConformanceRunner {

  /** Totals of one run. */
  public record Summary(int passed, int failed) {
    public boolean ok() {
      return failed == 0 && passed > 0;
    }
  }

  private ConformanceRunner() {}

  /**
   * Runs every case of {@code dir}. A malformed directory or file throws {@link
   * CaseFormatException} with a message naming the file and line.
   */
  public static Summary run(Path dir, PrintStream out) {
    if (!Files.isDirectory(dir)) {
      throw new CaseFormatException("not a directory: " + dir);
    }
    Path tsv = dir.resolve("cases.tsv");
    if (!Files.isRegularFile(tsv)) {
      throw new CaseFormatException("no cases.tsv in " + dir);
    }
    long[] delays = CaseFiles.delays(dir.resolve("delays.txt"));
    int passed = 0;
    int failed = 0;
    for (CaseFiles.Case c : CaseFiles.cases(tsv)) {
      CosSimulation sim = new CosSimulation(CaseFiles.topology(dir.resolve(c.topology())), delays);
      String error = null;
      try {
        sim.run(CaseFiles.events(dir.resolve(c.events())));
      } catch (IllegalStateException e) {
        error = e.getMessage();
      }
      for (String snapFile : c.snapshots()) {
        CaseFiles.Snap expected = CaseFiles.snap(dir.resolve(snapFile));
        String diff = error != null ? "run failed: " + error : compare(expected, sim, c.total());
        if (diff == null) {
          passed++;
          out.println("PASS " + c.name() + " snapshot " + expected.id() + " (" + snapFile + ")");
        } else {
          failed++;
          out.println(
              "FAIL " + c.name() + " snapshot " + expected.id() + " (" + snapFile + "): " + diff);
        }
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    return new Summary(passed, failed);
  }

  /** The first difference between expected and recorded, or null when they match exactly. */
  static String compare(CaseFiles.Snap expected, CosSimulation sim, long total) {
    if (expected.id() < 0 || expected.id() >= sim.snapshotsStarted()) {
      return "snapshot "
          + expected.id()
          + " was never started (the script starts "
          + sim.snapshotsStarted()
          + ")";
    }
    CaseFiles.Snap actual = sim.result(expected.id());
    TreeSet<String> nodes = new TreeSet<>(expected.counts().keySet());
    nodes.addAll(actual.counts().keySet());
    for (String n : nodes) {
      Long e = expected.counts().get(n);
      Long a = actual.counts().get(n);
      if (!Objects.equals(e, a)) {
        return "node " + n + ": expected " + show(e) + " tokens, recorded " + show(a);
      }
    }
    TreeSet<String> channels = new TreeSet<>(expected.channels().keySet());
    channels.addAll(actual.channels().keySet());
    for (String ch : channels) {
      List<Long> e = expected.channels().getOrDefault(ch, List.of());
      List<Long> a = actual.channels().getOrDefault(ch, List.of());
      if (!e.equals(a)) {
        return "channel "
            + ch.replace(' ', '>')
            + ": expected "
            + tokens(e)
            + ", recorded "
            + tokens(a);
      }
    }
    long sum = 0;
    for (long v : actual.counts().values()) {
      sum += v;
    }
    for (List<Long> l : actual.channels().values()) {
      for (long v : l) {
        sum += v;
      }
    }
    if (sum != total) {
      return "conservation: recorded total " + sum + ", expected " + total;
    }
    return null;
  }

  private static String show(Long v) {
    return v == null ? "nothing" : v.toString();
  }

  private static String tokens(List<Long> l) {
    List<String> s = new ArrayList<>();
    for (long v : l) {
      s.add("token(" + v + ")");
    }
    return s.isEmpty() ? "[]" : s.toString();
  }
}
