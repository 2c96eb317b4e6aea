package io.snapbank.auditor.store;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeFigure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Checks a stored snapshot file offline, without Kafka: rebuilds each node's report from the
 * file and runs the auditor's own rules on it (conservation, no negative balance, every channel
 * exactly once, possible ranges), and checks that the stored figures agree with the recomputed
 * ones.
 */
public final class SnapshotFileVerifier {
  /** The outcome: ok, or the problems found. */
  public record Result(long snapshotId, boolean ok, long expectedTotal, long recordedTotal, List<String> problems) {}

  private SnapshotFileVerifier() {}

  /** Reads and verifies {@code file}; an unreadable file gives a result with the reason, not an exception. */
  public static Result verify(Path file) {
    if (!Files.isRegularFile(file)) {
      return new Result(-1, false, 0, 0, List.of("no such file: " + file));
    }
    AuditReport r;
    try (DataFileReader<AuditReport> in = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(AuditReport.class))) {
      if (!in.hasNext()) {
        return new Result(-1, false, 0, 0, List.of("the file holds no snapshot"));
      }
      r = in.next();
    } catch (IOException | AvroRuntimeException e) {
      return new Result(-1, false, 0, 0, List.of("not a snapshot file (" + e.getMessage() + ")"));
    }
    List<LocalSnapshotReport> reports = new ArrayList<>();
    int nodes = r.getNodes().size();
    for (NodeFigure n : r.getNodes()) {
      List<ChannelState> chans = new ArrayList<>();
      for (ChannelState c : r.getChannels()) {
        if (c.getToNode() == n.getNodeId()) {
          chans.add(c);
        }
      }
      reports.add(new LocalSnapshotReport(r.getSnapshotId(), n.getNodeId(), r.getRequestedAtMs(), 0L,
          r.getCompletedAtMs(), new ArrayList<>(n.getBalances()), chans));
    }
    AuditReport again = AuditRules.audit(r.getSnapshotId(), reports, nodes, r.getExpectedTotal(), r.getRequestedAtMs(),
        r.getCompletedAtMs());
    List<String> problems = new ArrayList<>(again.getProblems());
    for (NodeFigure n : r.getNodes()) {
      long sum = 0;
      for (AccountBalance b : n.getBalances()) {
        sum += b.getBalance();
      }
      if (sum != n.getBalancesTotal()) {
        problems.add("node " + n.getNodeId() + " total " + n.getBalancesTotal() + " differs from its accounts' sum " + sum);
      }
    }
    if (again.getBalancesTotal() != r.getBalancesTotal() || again.getInFlightTotal() != r.getInFlightTotal()) {
      problems.add("stored totals (" + r.getBalancesTotal() + " + " + r.getInFlightTotal()
          + ") differ from the recomputed ones (" + again.getBalancesTotal() + " + " + again.getInFlightTotal() + ")");
    }
    if (!r.getStatus().name().equals(again.getStatus().name())) {
      problems.add("stored status " + r.getStatus() + " but the rules give " + again.getStatus());
    }
    return new Result(r.getSnapshotId(), problems.isEmpty(), r.getExpectedTotal(),
        again.getBalancesTotal() + again.getInFlightTotal(), problems);
  }
}
