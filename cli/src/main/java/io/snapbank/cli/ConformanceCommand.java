package io.snapbank.cli;

import io.snapbank.node.conformance.CaseFormatException;
import io.snapbank.node.conformance.ConformanceRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description =
        "Replay a directory of Chandy-Lamport conformance cases (cases.tsv, .top, .events, .snap,"
            + " delays.txt) through the snapshot engine; exits 1 if any expected snapshot differs.")
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "Case directory.")
  Path dir;

  @Override
  public Integer call() {
    try {
      return ConformanceRunner.run(dir, System.out).ok() ? 0 : 1;
    } catch (CaseFormatException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
  }
}
