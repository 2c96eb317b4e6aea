package io.snapbank.auditor.core;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeFigure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit of an assembled global snapshot. Pure: the same reports give the same verdict.
 *
 * <p>CONSISTENT when recorded balances plus recorded in-flight sums equal the expected total, no
 * balance is negative, every channel i→j (i ≠ j, both in 0..N-1) is recorded exactly once by its
 * receiver, and every channel's range, count and sum are possible. Otherwise VIOLATION, with one
 * problem line per finding, each starting with its {@link ViolationReason}.
 */
public final class AuditRules {
  private AuditRules() {}

  /** Audits a complete set of reports (one per node). */
  public static AuditReport audit(
      long snapshotId, Collection<LocalSnapshotReport> reports, int nodes, long expectedTotal, long requestedAtMs,
      long completedAtMs) {
    List<String> problems = new ArrayList<>();
    List<NodeFigure> figures = new ArrayList<>();
    List<ChannelState> channels = new ArrayList<>();
    long balances = 0;
    long inFlight = 0;
    Set<String> seen = new TreeSet<>();
    List<LocalSnapshotReport> sorted = new ArrayList<>(reports);
    sorted.sort(Comparator.comparingInt(LocalSnapshotReport::getNodeId));
    for (LocalSnapshotReport r : sorted) {
      long nodeTotal = 0;
      for (AccountBalance b : r.getBalances()) {
        if (b.getBalance() < 0) {
          problems.add(ViolationReason.NEGATIVE_BALANCE + ": account " + b.getAccount() + " of node " + r.getNodeId()
              + " has " + b.getBalance());
        }
        nodeTotal += b.getBalance();
      }
      balances += nodeTotal;
      figures.add(new NodeFigure(r.getNodeId(), nodeTotal, r.getBalances().size(), new ArrayList<>(r.getBalances())));
      for (ChannelState c : r.getChannels()) {
        String name = c.getFromNode() + "->" + c.getToNode();
        if (c.getToNode() != r.getNodeId() || c.getFromNode() == c.getToNode() || c.getFromNode() < 0
            || c.getFromNode() >= nodes) {
          problems.add(ViolationReason.CHANNEL_UNKNOWN + ": channel " + name + " reported by node " + r.getNodeId());
          continue;
        }
        if (!seen.add(name)) {
          problems.add(ViolationReason.CHANNEL_DUPLICATE + ": channel " + name + " recorded more than once");
          continue;
        }
        String bad = rangeProblem(c);
        if (bad != null) {
          problems.add(ViolationReason.BAD_RANGE + ": channel " + name + " " + bad);
        }
        channels.add(c);
        inFlight += c.getSum();
      }
    }
    for (int i = 0; i < nodes; i++) {
      for (int j = 0; j < nodes; j++) {
        if (i != j && !seen.contains(i + "->" + j)) {
          problems.add(ViolationReason.CHANNEL_MISSING + ": channel " + i + "->" + j + " not recorded");
        }
      }
    }
    long difference = balances + inFlight - expectedTotal;
    if (difference != 0) {
      problems.add(0, ViolationReason.CONSERVATION + ": balances " + balances + " + in flight " + inFlight + " = "
          + (balances + inFlight) + ", expected " + expectedTotal + " (difference " + difference + ")");
    }
    channels.sort(Comparator.comparingInt(ChannelState::getFromNode).thenComparingInt(ChannelState::getToNode));
    long requested = earliestRequest(requestedAtMs, reports);
    return new AuditReport(snapshotId, problems.isEmpty() ? AuditStatus.CONSISTENT : AuditStatus.VIOLATION,
        expectedTotal, balances, inFlight, difference, figures, channels, new ArrayList<>(), problems, requested,
        completedAtMs, Math.max(0, completedAtMs - requested), null);
  }

  /** The report of a snapshot that did not complete in time. */
  public static AuditReport aborted(
      long snapshotId, Collection<LocalSnapshotReport> reports, int nodes, long expectedTotal, long requestedAtMs,
      long abortedAtMs) {
    TreeSet<Integer> missing = new TreeSet<>();
    for (int i = 0; i < nodes; i++) {
      missing.add(i);
    }
    List<NodeFigure> figures = new ArrayList<>();
    TreeMap<Integer, LocalSnapshotReport> byNode = new TreeMap<>();
    for (LocalSnapshotReport r : reports) {
      byNode.put(r.getNodeId(), r);
    }
    for (LocalSnapshotReport r : byNode.values()) {
      missing.remove(r.getNodeId());
      long t = 0;
      for (AccountBalance b : r.getBalances()) {
        t += b.getBalance();
      }
      figures.add(new NodeFigure(r.getNodeId(), t, r.getBalances().size(), new ArrayList<>(r.getBalances())));
    }
    long requested = earliestRequest(requestedAtMs, reports);
    return new AuditReport(snapshotId, AuditStatus.ABORTED, expectedTotal, 0L, 0L, 0L, figures, new ArrayList<>(),
        new ArrayList<>(missing), List.of("ABORTED: nodes " + missing + " did not report in time"), requested,
        abortedAtMs, Math.max(0, abortedAtMs - requested), null);
  }

  /** Why a channel state is impossible, or null. */
  public static String rangeProblem(ChannelState c) {
    if (c.getFirstOffset() < 0 || c.getMarkerOffset() < c.getFirstOffset()) {
      return "has range [" + c.getFirstOffset() + ", " + c.getMarkerOffset() + ")";
    }
    if (c.getCount() < 0 || c.getSum() < 0) {
      return "has count " + c.getCount() + " and sum " + c.getSum();
    }
    if (c.getCount() > c.getMarkerOffset() - c.getFirstOffset()) {
      return "has " + c.getCount() + " transfers in " + (c.getMarkerOffset() - c.getFirstOffset()) + " offsets";
    }
    if ((c.getCount() == 0) != (c.getSum() == 0)) {
      return "has count " + c.getCount() + " but sum " + c.getSum();
    }
    return null;
  }

  private static long earliestRequest(long requestedAtMs, Collection<LocalSnapshotReport> reports) {
    long earliest = requestedAtMs > 0 ? requestedAtMs : Long.MAX_VALUE;
    for (LocalSnapshotReport r : reports) {
      if (r.getRequestedAtMs() > 0) {
        earliest = Math.min(earliest, r.getRequestedAtMs());
      }
    }
    return earliest == Long.MAX_VALUE ? 0 : earliest;
  }
}
