package io.snapbank.auditor.core;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.DeepAudit;
import io.snapbank.schemas.InFlightTransfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges a deep audit into a report. Pure: the same report and result give the same merged report,
 * and the input report is not changed.
 */
public final class DeepAuditRules {
  private DeepAuditRules() {}

  /** The report with the deep audit {@code result} merged in; see {@link #withDeepAudit}. */
  public static AuditReport withDeepAudit(AuditReport report, DeepAuditResult result) {
    return withDeepAudit(report, result.transfers(), result.unreadable());
  }

  /**
   * The report with its deep audit: for every recorded channel, the transfers listed from the log
   * must number {@code count} and add up to {@code sum}; each channel that does not gives a
   * DEEP_AUDIT_MISMATCH problem and makes the report a VIOLATION. Channels in {@code unreadable}
   * could not be read: they are not compared, and the deep audit is then not verified, but nothing
   * is proven wrong, so the status is left as the other problems make it. A repeated deep audit
   * replaces the earlier one. ABORTED reports are returned unchanged.
   */
  public static AuditReport withDeepAudit(
      AuditReport report, List<InFlightTransfer> transfers, List<UnreadableRange> unreadable) {
    if (report.getStatus() == AuditStatus.ABORTED) {
      return report;
    }
    TreeMap<String, long[]> listed = new TreeMap<>();
    for (InFlightTransfer t : transfers) {
      long[] cs = listed.computeIfAbsent(t.getFromNode() + "->" + t.getToNode(), k -> new long[2]);
      cs[0]++;
      cs[1] += t.getAmount();
    }
    Set<String> skipped = new TreeSet<>();
    for (UnreadableRange u : unreadable) {
      skipped.add(u.fromNode() + "->" + u.toNode());
    }
    List<String> mismatches = new ArrayList<>();
    TreeMap<String, long[]> totals = ChannelNames.totals(report.getChannels());
    Set<String> recorded = totals.keySet();
    for (Map.Entry<String, long[]> e : totals.entrySet()) {
      String name = e.getKey();
      if (skipped.contains(name)) {
        continue;
      }
      long[] cs = listed.getOrDefault(name, new long[2]);
      long[] c = e.getValue();
      if (cs[0] != c[0] || cs[1] != c[1]) {
        mismatches.add(
            new Problem(
                    ViolationReason.DEEP_AUDIT_MISMATCH,
                    "channel "
                        + name
                        + " reports "
                        + c[0]
                        + " transfers summing "
                        + c[1]
                        + ", the log holds "
                        + cs[0]
                        + " summing "
                        + cs[1]
                        + " in "
                        + ranges(report.getChannels(), name))
                .line());
      }
    }
    for (String name : listed.keySet()) {
      if (!recorded.contains(name)) {
        mismatches.add(
            new Problem(
                    ViolationReason.DEEP_AUDIT_MISMATCH,
                    "transfers listed for channel " + name + ", which the snapshot does not record")
                .line());
      }
    }
    List<String> problems = new ArrayList<>();
    for (String p : report.getProblems()) {
      if (Problem.reasonOf(p).orElse(null) != ViolationReason.DEEP_AUDIT_MISMATCH) {
        problems.add(p);
      }
    }
    problems.addAll(mismatches);
    List<String> deepProblems = new ArrayList<>(mismatches);
    unreadable.forEach(u -> deepProblems.add(u.line()));
    AuditReport out = AuditReport.newBuilder(report).build();
    out.setProblems(problems);
    out.setStatus(problems.isEmpty() ? AuditStatus.CONSISTENT : AuditStatus.VIOLATION);
    out.setDeepAudit(
        new DeepAudit(deepProblems.isEmpty(), new ArrayList<>(transfers), deepProblems));
    return out;
  }

  /** The recorded ranges of channel {@code name}'s lanes: "[a, b)", lanes above 0 named. */
  private static String ranges(List<ChannelState> states, String name) {
    List<String> out = new ArrayList<>();
    for (ChannelState c : states) {
      if (ChannelNames.channel(c.getFromNode(), c.getToNode()).equals(name)) {
        out.add(
            (c.getLane() == 0 ? "" : "lane " + c.getLane() + " ")
                + "["
                + c.getFirstOffset()
                + ", "
                + c.getMarkerOffset()
                + ")");
      }
    }
    return String.join(", ", out);
  }
}
