package io.snapbank.auditor.store;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.DeepAuditRules;
import io.snapbank.auditor.core.Members;
import io.snapbank.auditor.core.Problem;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.auditor.core.ViolationReason;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeFigure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Checks a stored snapshot file ({@code snapshot-<id>.avro}) offline, without Kafka, against the
 * epoch it was taken in. The snapshot covers the members of its epoch: those the epoch log stored
 * beside it says ({@link StoredEpochs}, {@code epochs.json}), else those the report names, else (a
 * report written before reports named them) the nodes 0..N-1 with figures in the file. Every member
 * must have one figure and no other node any; each node's report is rebuilt from its figure
 * (account balances) and the channels it received, and the auditor's own {@link AuditRules} run on
 * them: conservation against the epoch's expected total (the stored epoch log's when it tells it,
 * else the report's), no negative balance, every channel i→j between members exactly once, possible
 * ranges. It also checks that the stored totals, per-node totals, difference and status agree with
 * the recomputed ones and, when the file holds a deep audit, that its listed transfers add up to
 * the channel counts and sums (channels the deep audit could not read are not compared).
 */
public final class SnapshotFileVerifier {
  /**
   * The outcome.
   *
   * @param snapshotId the file's snapshot id, or -1 when it could not be read
   * @param ok true when no problem was found
   * @param expectedTotal the total the snapshot's epoch must account for
   * @param recordedTotal recomputed balances plus in-flight sums
   * @param problems one line per problem; audit findings start with their {@link ViolationReason}
   */
  public record Result(
      long snapshotId, boolean ok, long expectedTotal, long recordedTotal, List<String> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    /** The reasons of the problems that are audit findings, in order. */
    public List<ViolationReason> reasons() {
      List<ViolationReason> out = new ArrayList<>();
      for (String p : problems) {
        Problem.reasonOf(p).ifPresent(out::add);
      }
      return out;
    }
  }

  private SnapshotFileVerifier() {}

  /** Reads the first report of an Avro container file. */
  public static Optional<AuditReport> read(Path file) throws IOException {
    try (DataFileReader<AuditReport> in =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(AuditReport.class))) {
      return in.hasNext() ? Optional.of(in.next()) : Optional.empty();
    } catch (AvroRuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Reads and verifies {@code file}; an unreadable file gives a result with the reason, not an
   * exception.
   */
  public static Result verify(Path file) {
    if (!Files.isRegularFile(file)) {
      return new Result(-1, false, 0, 0, List.of("no such file: " + file));
    }
    AuditReport r;
    try {
      Optional<AuditReport> read = read(file);
      if (read.isEmpty()) {
        return new Result(-1, false, 0, 0, List.of("the file holds no snapshot"));
      }
      r = read.get();
    } catch (IOException | RuntimeException e) {
      return new Result(-1, false, 0, 0, List.of("not a snapshot file (" + e.getMessage() + ")"));
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      return verify(r, StoredEpochs.read(dir));
    } catch (IOException | RuntimeException e) {
      Result v = verify(r, StoredEpochs.NONE);
      List<String> problems = new ArrayList<>(v.problems());
      problems.add("the epoch log beside it cannot be read (" + e.getMessage() + ")");
      return new Result(v.snapshotId(), false, v.expectedTotal(), v.recordedTotal(), problems);
    }
  }

  /** Verifies a report as stored, against the members and total it names. */
  public static Result verify(AuditReport r) {
    return verify(r, StoredEpochs.NONE);
  }

  /** Verifies a report as stored, against its epoch in {@code epochs} when they hold it. */
  public static Result verify(AuditReport r, StoredEpochs epochs) {
    List<String> problems = new ArrayList<>();
    if (r.getStatus() == AuditStatus.ABORTED) {
      return new Result(
          r.getSnapshotId(),
          false,
          r.getExpectedTotal(),
          0,
          List.of("the snapshot was ABORTED: it holds no complete global state to verify"));
    }
    TreeMap<Integer, NodeFigure> byNode = new TreeMap<>();
    for (NodeFigure n : r.getNodes()) {
      if (byNode.putIfAbsent(n.getNodeId(), n) != null) {
        problems.add("node " + n.getNodeId() + " has more than one figure");
      }
    }
    Members members = members(r, epochs, byNode, problems);
    long expectedTotal = expectedTotal(r, epochs, problems);
    for (int i : members.ids()) {
      if (!byNode.containsKey(i)) {
        problems.add("node " + i + " has no figure (the file's nodes are " + byNode.keySet() + ")");
      }
    }
    for (int i : byNode.keySet()) {
      if (!members.contains(i)) {
        problems.add(
            "node " + i + " is not a member of epoch " + r.getEpoch() + " (" + members + ")");
      }
    }
    Map<Integer, List<ChannelState>> incoming = new TreeMap<>();
    for (ChannelState c : r.getChannels()) {
      if (byNode.containsKey(c.getToNode())) {
        incoming.computeIfAbsent(c.getToNode(), k -> new ArrayList<>()).add(c);
      } else {
        problems.add(
            new Problem(
                    ViolationReason.CHANNEL_UNKNOWN,
                    "channel "
                        + c.getFromNode()
                        + "->"
                        + c.getToNode()
                        + " goes to a node that is not in the snapshot")
                .line());
      }
    }
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (NodeFigure n : byNode.values()) {
      reports.add(
          new LocalSnapshotReport(
              r.getSnapshotId(),
              n.getNodeId(),
              r.getRequestedAtMs(),
              0L,
              r.getCompletedAtMs(),
              new ArrayList<>(n.getBalances()),
              incoming.getOrDefault(n.getNodeId(), List.of()),
              new ArrayList<>(),
              new ArrayList<>(),
              0L,
              0L));
      long sum = 0;
      for (AccountBalance b : n.getBalances()) {
        sum += b.getBalance();
      }
      if (sum != n.getBalancesTotal()) {
        problems.add(
            "node "
                + n.getNodeId()
                + " total "
                + n.getBalancesTotal()
                + " differs from its accounts' sum "
                + sum);
      }
      if (n.getAccounts() != n.getBalances().size()) {
        problems.add(
            "node "
                + n.getNodeId()
                + " claims "
                + n.getAccounts()
                + " accounts but lists "
                + n.getBalances().size());
      }
    }
    AuditReport again =
        AuditRules.audit(
            r.getSnapshotId(),
            reports,
            members,
            r.getChannelPartitions(),
            expectedTotal,
            r.getRequestedAtMs(),
            r.getCompletedAtMs());
    List<String> findings = new ArrayList<>(again.getProblems());
    if (r.getDeepAudit() != null) {
      List<UnreadableRange> unread = new ArrayList<>();
      r.getDeepAudit().getProblems().forEach(p -> UnreadableRange.parse(p).ifPresent(unread::add));
      AuditReport deep = DeepAuditRules.withDeepAudit(r, r.getDeepAudit().getTransfers(), unread);
      findings.addAll(
          deep.getDeepAudit().getProblems().stream()
              .filter(p -> Problem.reasonOf(p).isPresent())
              .toList());
    }
    problems.addAll(0, findings);
    if (again.getBalancesTotal() != r.getBalancesTotal()
        || again.getInFlightTotal() != r.getInFlightTotal()) {
      problems.add(
          "stored totals (balances "
              + r.getBalancesTotal()
              + ", in flight "
              + r.getInFlightTotal()
              + ") differ from the recomputed ones ("
              + again.getBalancesTotal()
              + ", "
              + again.getInFlightTotal()
              + ")");
    }
    if (again.getDifference() != r.getDifference()) {
      problems.add(
          "stored difference "
              + r.getDifference()
              + " but the figures give "
              + again.getDifference());
    }
    boolean storedDeepMismatch =
        AuditRules.reasons(r).contains(ViolationReason.DEEP_AUDIT_MISMATCH);
    AuditStatus expected =
        findings.isEmpty() && !storedDeepMismatch ? AuditStatus.CONSISTENT : AuditStatus.VIOLATION;
    if (r.getStatus() != expected) {
      problems.add("stored status " + r.getStatus() + " but the figures give " + expected);
    }
    if (storedDeepMismatch && findings.isEmpty()) {
      problems.add("the stored report names a deep audit mismatch: " + r.getProblems());
    }
    return new Result(
        r.getSnapshotId(),
        problems.isEmpty(),
        expectedTotal,
        again.getBalancesTotal() + again.getInFlightTotal(),
        problems);
  }

  /**
   * The members the snapshot must cover: the stored epoch log's, else the report's, else the nodes
   * 0..N-1 of a report that names none; a report naming others than the log is a problem.
   */
  private static Members members(
      AuditReport r,
      StoredEpochs epochs,
      TreeMap<Integer, NodeFigure> byNode,
      List<String> problems) {
    Members named = Members.of(r.getMembers());
    Optional<Members> logged = epochs.members(r.getEpoch());
    if (logged.isPresent()) {
      if (!named.isEmpty() && !named.equals(logged.get())) {
        problems.add(
            "the report names members "
                + named
                + " but epoch "
                + r.getEpoch()
                + " has "
                + logged.get());
      }
      return logged.get();
    }
    if (!named.isEmpty()) {
      return named;
    }
    return Members.range(byNode.isEmpty() ? 0 : Math.max(byNode.lastKey() + 1, 0));
  }

  /**
   * The epoch's total: the stored epoch log's when it tells it (a differing report's is a problem).
   */
  private static long expectedTotal(AuditReport r, StoredEpochs epochs, List<String> problems) {
    Optional<Long> logged = epochs.expectedTotal(r.getEpoch());
    if (logged.isPresent() && logged.get() != r.getExpectedTotal()) {
      problems.add(
          "the report expects a total of "
              + r.getExpectedTotal()
              + " but epoch "
              + r.getEpoch()
              + " has "
              + logged.get());
    }
    return logged.orElse(r.getExpectedTotal());
  }
}
