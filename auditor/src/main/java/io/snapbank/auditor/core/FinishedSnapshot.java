package io.snapbank.auditor.core;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;

/**
 * A snapshot the auditor has audited or aborted, with the report it published last (a deep audit
 * replaces it). Later reports of the snapshot are LATE, a request does not reopen it, and deep
 * audits of a complete one are merged into its report. Immutable (do not change the report).
 *
 * @param finishedAtMs when it was audited or aborted, wall-clock ms
 * @param report the latest report published for it
 */
public record FinishedSnapshot(long snapshotId, long finishedAtMs, AuditReport report)
    implements SnapshotState {
  public FinishedSnapshot {
    if (report == null || report.getSnapshotId() != snapshotId) {
      throw new IllegalArgumentException("a finished snapshot needs its own report");
    }
  }

  /** Whether the snapshot was aborted (so has nothing to deep-audit). */
  public boolean aborted() {
    return report.getStatus() == AuditStatus.ABORTED;
  }

  @Override
  public Transition on(SnapshotEvent event, SnapshotLifecycle lifecycle) {
    if (event instanceof SnapshotEvent.Reported) {
      return Transition.to(this, new Effect.Ignore(Acceptance.LATE));
    }
    if (event instanceof SnapshotEvent.DeepAudited d) {
      if (aborted()) {
        return Transition.to(
            this,
            new Effect.RejectInput(
                QuarantineReason.UNMATCHED_DEEP_AUDIT,
                "deep audit of snapshot "
                    + snapshotId
                    + ", which was aborted: it has no channel state to check"));
      }
      AuditReport merged = DeepAuditRules.withDeepAudit(report, d.result());
      return Transition.to(
          new FinishedSnapshot(snapshotId, finishedAtMs, merged),
          new Effect.Publish(merged, Effect.Verdict.DEEP_AUDITED));
    }
    return Transition.to(this);
  }
}
