package io.snapbank.cli;

import io.snapbank.auditor.core.ChannelNames;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.NodeFigure;

/** Human-readable rendering of audit reports. */
final class ReportFormat {
  private ReportFormat() {}

  /**
   * One line: id, status, epoch (and incarnation after a restore) and its members (and the snapshot
   * it retries), totals and latency.
   */
  static String line(AuditReport r) {
    StringBuilder b = new StringBuilder();
    b.append("snapshot ").append(r.getSnapshotId()).append(' ').append(r.getStatus());
    if (!r.getAbortReason().isEmpty()) {
      b.append(" (").append(r.getAbortReason()).append(')');
    }
    b.append(" in epoch ").append(r.getEpoch());
    if (r.getIncarnation() > 0) {
      b.append(" (incarnation ").append(r.getIncarnation()).append(')');
    }
    b.append(", members ")
        .append(r.getMembers().isEmpty() ? "not known" : r.getMembers().toString());
    if (r.getRetryOf() >= 0) {
      b.append(", retry of ").append(r.getRetryOf());
    }
    if (r.getStatus().name().equals("ABORTED")) {
      b.append(": missing nodes ").append(r.getMissingNodes());
    } else {
      b.append(": balances ")
          .append(r.getBalancesTotal())
          .append(" + in flight ")
          .append(r.getInFlightTotal())
          .append(" = ")
          .append(r.getBalancesTotal() + r.getInFlightTotal())
          .append(" (expected ")
          .append(r.getExpectedTotal())
          .append(", difference ")
          .append(r.getDifference())
          .append(')');
    }
    b.append(", ").append(r.getLatencyMs()).append(" ms");
    if (!r.getProblems().isEmpty()) {
      b.append(" problems: ").append(r.getProblems());
    }
    return b.toString();
  }

  /** Several lines: the summary, per-node totals and the in-flight channels. */
  static String full(AuditReport r) {
    StringBuilder b = new StringBuilder(line(r)).append('\n');
    for (NodeFigure n : r.getNodes()) {
      b.append(
          String.format(
              "  node %d: %d across %d accounts%n",
              n.getNodeId(), n.getBalancesTotal(), n.getAccounts()));
    }
    for (ChannelState c : r.getChannels()) {
      if (c.getCount() > 0) {
        b.append(
            String.format(
                "  channel %s: %d transfers, %d in flight (offsets %d..%d)%n",
                ChannelNames.lane(c),
                c.getCount(),
                c.getSum(),
                c.getFirstOffset(),
                c.getMarkerOffset()));
      }
    }
    if (r.getDeepAudit() != null) {
      b.append("  deep audit: ")
          .append(r.getDeepAudit().getVerified() ? "verified " : "FAILED ")
          .append(r.getDeepAudit().getTransfers().size())
          .append(" transfers listed from the logs");
      if (!r.getDeepAudit().getProblems().isEmpty()) {
        b.append(' ').append(r.getDeepAudit().getProblems());
      }
      b.append('\n');
    }
    return b.toString();
  }
}
