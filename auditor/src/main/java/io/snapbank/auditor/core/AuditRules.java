package io.snapbank.auditor.core;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeFigure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit of an assembled global snapshot. Pure: the same reports give the same verdict.
 *
 * <p>A snapshot taken in an epoch whose {@link Members members} are M is CONSISTENT when all of
 * these hold, and a VIOLATION otherwise, with one {@link Problem} per finding:
 *
 * <ul>
 *   <li>{@link ViolationReason#CONSERVATION}: recorded balances plus recorded in-flight sums equal
 *       the epoch's expected total: the genesis total (or the total of the last restore's cut),
 *       plus the money that entered the bank since, minus the money that left it;
 *   <li>{@link ViolationReason#NEGATIVE_BALANCE}: no recorded balance is negative;
 *   <li>{@link ViolationReason#CHANNEL_MISSING}, {@link ViolationReason#CHANNEL_DUPLICATE}, {@link
 *       ViolationReason#CHANNEL_UNKNOWN}: every channel i→j (i ≠ j, both in M) is recorded exactly
 *       once, by its receiver j, and no other channel is recorded;
 *   <li>{@link ViolationReason#BAD_RANGE}: every recorded range is possible ({@link
 *       #rangeProblem});
 *   <li>{@link ViolationReason#CHANNEL_COUNTERS}: every channel's state is what the sender had sent
 *       minus what the receiver had accepted ({@link ChannelCounterRule}).
 * </ul>
 *
 * <p>{@link ViolationReason#DEEP_AUDIT_MISMATCH} comes from {@link DeepAuditRules#withDeepAudit},
 * which compares the reported counts and sums with the transfers re-read from the log.
 *
 * <p>The report's requestedAtMs is the request record's time when known, otherwise the earliest
 * requestedAtMs among the node reports; latency is completion minus that (0 when unknown).
 */
public final class AuditRules {
  private AuditRules() {}

  /** Audits a complete set of reports (one per node) against the bank's genesis. */
  public static AuditReport audit(
      long snapshotId,
      Collection<LocalSnapshotReport> reports,
      BankGenesis genesis,
      long requestedAtMs,
      long completedAtMs) {
    return audit(
        snapshotId,
        reports,
        Members.range(genesis.getNodes()),
        genesis.getTotal(),
        requestedAtMs,
        completedAtMs);
  }

  /**
   * Audits a complete set of reports (one per member) of an epoch with {@code members} whose money
   * adds up to {@code expectedTotal}.
   *
   * @param requestedAtMs time of the snapshot request record, or 0 when unknown
   * @param completedAtMs when the last report arrived
   */
  public static AuditReport audit(
      long snapshotId,
      Collection<LocalSnapshotReport> reports,
      Members members,
      long expectedTotal,
      long requestedAtMs,
      long completedAtMs) {
    return audit(snapshotId, reports, members, 1, expectedTotal, requestedAtMs, completedAtMs);
  }

  /**
   * Audits a complete set of reports (one per member) of an epoch with {@code members} of a bank
   * whose channels have {@code lanes} partitions each: every lane of every channel between members
   * must be recorded once.
   */
  public static AuditReport audit(
      long snapshotId,
      Collection<LocalSnapshotReport> reports,
      Members members,
      int lanes,
      long expectedTotal,
      long requestedAtMs,
      long completedAtMs) {
    Findings f = examine(reports, members, lanes, expectedTotal);
    List<String> lines = new ArrayList<>();
    f.problems.forEach(p -> lines.add(p.line()));
    return report(snapshotId, reports, members, expectedTotal, requestedAtMs, completedAtMs)
        .setChannelPartitions(lanes)
        .setStatus(f.problems.isEmpty() ? AuditStatus.CONSISTENT : AuditStatus.VIOLATION)
        .setBalancesTotal(f.balances)
        .setInFlightTotal(f.inFlight)
        .setDifference(f.balances + f.inFlight - expectedTotal)
        .setNodes(f.figures)
        .setChannels(f.channels)
        .setProblems(lines)
        .build();
  }

  /**
   * The problems of a set of reports: CONSERVATION first, then in node and channel order, then
   * CHANNEL_COUNTERS.
   */
  public static List<Problem> check(
      Collection<LocalSnapshotReport> reports, Members members, long expectedTotal) {
    return examine(reports, members, 1, expectedTotal).problems;
  }

  /**
   * The report of a snapshot that did not complete: status ABORTED, the figures of the nodes that
   * did report, and {@code missingNodes}: the members that did not. Totals are zero: nothing was
   * audited. The problem line says it timed out; a caller ending it for another reason replaces it.
   *
   * @param members the members of the snapshot's epoch, or {@link Members#NONE} when they are not
   *     known (no node can be named missing)
   */
  public static AuditReport aborted(
      long snapshotId,
      Collection<LocalSnapshotReport> reports,
      Members members,
      long expectedTotal,
      long requestedAtMs,
      long abortedAtMs) {
    TreeSet<Integer> missing = new TreeSet<>(members.ids());
    TreeMap<Integer, LocalSnapshotReport> byNode = new TreeMap<>();
    for (LocalSnapshotReport r : reports) {
      byNode.putIfAbsent(r.getNodeId(), r);
    }
    List<NodeFigure> figures = new ArrayList<>();
    for (LocalSnapshotReport r : byNode.values()) {
      missing.remove(r.getNodeId());
      figures.add(figure(r));
    }
    String why =
        members.isEmpty()
            ? "ABORTED: not complete in time, and the members of its epoch are not known"
            : "ABORTED: nodes " + missing + " did not report in time";
    return report(snapshotId, reports, members, expectedTotal, requestedAtMs, abortedAtMs)
        .setStatus(AuditStatus.ABORTED)
        .setNodes(figures)
        .setMissingNodes(new ArrayList<>(missing))
        .setProblems(new ArrayList<>(List.of(why)))
        .build();
  }

  /** A report's builder with what every verdict has: ids, members, totals at zero and times. */
  private static AuditReport.Builder report(
      long snapshotId,
      Collection<LocalSnapshotReport> reports,
      Members members,
      long expectedTotal,
      long requestedAtMs,
      long finishedAtMs) {
    long requested = requestedAt(requestedAtMs, reports);
    return AuditReport.newBuilder()
        .setSnapshotId(snapshotId)
        .setExpectedTotal(expectedTotal)
        .setBalancesTotal(0L)
        .setInFlightTotal(0L)
        .setDifference(0L)
        .setNodes(new ArrayList<>())
        .setChannels(new ArrayList<>())
        .setMembers(members.list())
        .setRequestedAtMs(requested)
        .setCompletedAtMs(finishedAtMs)
        .setLatencyMs(latency(requested, finishedAtMs));
  }

  /**
   * Why a recorded channel state is impossible, if it is: a negative or reversed range ({@code
   * firstOffset > markerOffset}), a negative count or sum, more transfers than offsets, a zero
   * count with a non-zero sum, or transfers summing to less than one unit each (every transfer
   * moves at least one minor unit).
   */
  public static Optional<String> rangeProblem(ChannelState c) {
    long first = c.getFirstOffset();
    long marker = c.getMarkerOffset();
    long count = c.getCount();
    long sum = c.getSum();
    if (first < 0 || marker < first) {
      return Optional.of("has range [" + first + ", " + marker + ")");
    }
    if (count < 0 || sum < 0) {
      return Optional.of("has count " + count + " and sum " + sum);
    }
    if (count > marker - first) {
      return Optional.of("has " + count + " transfers in " + (marker - first) + " offsets");
    }
    if (count == 0 && sum != 0) {
      return Optional.of("has no transfers but sum " + sum);
    }
    if (sum < count) {
      return Optional.of("has " + count + " transfers summing only " + sum);
    }
    return Optional.empty();
  }

  /**
   * The request time of a snapshot: the request record's when known (> 0), else the earliest of the
   * reports'.
   */
  public static long requestedAt(long fromRequest, Collection<LocalSnapshotReport> reports) {
    if (fromRequest > 0) {
      return fromRequest;
    }
    long earliest = Long.MAX_VALUE;
    for (LocalSnapshotReport r : reports) {
      if (r.getRequestedAtMs() > 0) {
        earliest = Math.min(earliest, r.getRequestedAtMs());
      }
    }
    return earliest == Long.MAX_VALUE ? 0 : earliest;
  }

  /** The reasons of a report's problem lines, in order (lines without a reason are left out). */
  public static List<ViolationReason> reasons(AuditReport report) {
    List<ViolationReason> out = new ArrayList<>();
    for (String p : report.getProblems()) {
      Problem.reasonOf(p).ifPresent(out::add);
    }
    return out;
  }

  /** The per-node figure of one report: balance total, account count and the account balances. */
  public static NodeFigure figure(LocalSnapshotReport r) {
    long total = 0;
    for (AccountBalance b : r.getBalances()) {
      total += b.getBalance();
    }
    return new NodeFigure(
        r.getNodeId(), total, r.getBalances().size(), new ArrayList<>(r.getBalances()));
  }

  private static long latency(long requested, long completed) {
    return requested > 0 ? Math.max(0, completed - requested) : 0;
  }

  private static final class Findings {
    final List<Problem> problems = new ArrayList<>();
    final List<NodeFigure> figures = new ArrayList<>();
    final List<ChannelState> channels = new ArrayList<>();
    long balances;
    long inFlight;
  }

  private static Findings examine(
      Collection<LocalSnapshotReport> reports, Members members, int lanes, long expectedTotal) {
    Findings f = new Findings();
    List<Problem> found = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    List<LocalSnapshotReport> sorted = new ArrayList<>(reports);
    sorted.sort(Comparator.comparingInt(LocalSnapshotReport::getNodeId));
    for (LocalSnapshotReport r : sorted) {
      NodeFigure figure = figure(r);
      for (AccountBalance b : r.getBalances()) {
        if (b.getBalance() < 0) {
          found.add(
              new Problem(
                  ViolationReason.NEGATIVE_BALANCE,
                  "account "
                      + b.getAccount()
                      + " of node "
                      + r.getNodeId()
                      + " has "
                      + b.getBalance()));
        }
      }
      f.balances += figure.getBalancesTotal();
      f.figures.add(figure);
      for (ChannelState c : r.getChannels()) {
        String name = ChannelNames.lane(c);
        if (c.getToNode() != r.getNodeId()
            || c.getFromNode() == c.getToNode()
            || c.getLane() < 0
            || c.getLane() >= lanes
            || !members.contains(c.getFromNode())
            || !members.contains(c.getToNode())) {
          found.add(
              new Problem(
                  ViolationReason.CHANNEL_UNKNOWN,
                  "channel "
                      + name
                      + " reported by node "
                      + r.getNodeId()
                      + " is not an incoming channel of members "
                      + members));
          continue;
        }
        if (!seen.add(name)) {
          found.add(
              new Problem(
                  ViolationReason.CHANNEL_DUPLICATE,
                  "channel " + name + " recorded more than once"));
          continue;
        }
        rangeProblem(c)
            .ifPresent(
                bad ->
                    found.add(
                        new Problem(ViolationReason.BAD_RANGE, "channel " + name + " " + bad)));
        f.channels.add(c);
        f.inFlight += c.getSum();
      }
    }
    for (int i : members.ids()) {
      for (int j : members.ids()) {
        for (int l = 0; l < lanes && i != j; l++) {
          String name = ChannelNames.lane(i, l, j);
          if (!seen.contains(name)) {
            found.add(
                new Problem(ViolationReason.CHANNEL_MISSING, "channel " + name + " not recorded"));
          }
        }
      }
    }
    long difference = f.balances + f.inFlight - expectedTotal;
    if (difference != 0) {
      f.problems.add(
          new Problem(
              ViolationReason.CONSERVATION,
              "balances "
                  + f.balances
                  + " + in flight "
                  + f.inFlight
                  + " = "
                  + (f.balances + f.inFlight)
                  + ", expected "
                  + expectedTotal
                  + " (difference "
                  + difference
                  + ")"));
    }
    f.problems.addAll(found);
    f.problems.addAll(ChannelCounterRule.check(reports));
    f.channels.sort(
        Comparator.comparingInt(ChannelState::getFromNode)
            .thenComparingInt(ChannelState::getToNode)
            .thenComparingInt(ChannelState::getLane));
    return f;
  }
}
