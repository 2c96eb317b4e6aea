package io.snapbank.cli;

import io.snapbank.auditor.store.SnapshotFileVerifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check a stored snapshot file (snapshot-<id>.avro) offline: conservation, no negative balance,"
            + " every channel exactly once, possible ranges. Exits 1 when a check fails.")
final class VerifyCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "FILE",
      description = "A snapshot-<id>.avro file written by the auditor.")
  Path file;

  @Override
  public Integer call() {
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(file);
    if (r.ok()) {
      System.out.println(
          "snapshot "
              + r.snapshotId()
              + " OK: recorded total "
              + r.recordedTotal()
              + " = expected "
              + r.expectedTotal());
      return 0;
    }
    System.out.println(
        (r.snapshotId() >= 0 ? "snapshot " + r.snapshotId() : file.toString()) + " FAILED:");
    r.problems().forEach(p -> System.out.println("  " + p));
    return 1;
  }
}
