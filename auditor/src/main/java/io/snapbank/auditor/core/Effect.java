package io.snapbank.auditor.core;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotAbort;
import java.util.List;

/**
 * An output of a {@link Transition}, as data: what the driver must publish, tell or set aside.
 * Effects carry no I/O; the topology turns each into a record on its topic.
 */
public sealed interface Effect
    permits Effect.Publish,
        Effect.Abort,
        Effect.Retry,
        Effect.RejectInput,
        Effect.RejectHeld,
        Effect.Ignore {

  /** What a published report is. */
  enum Verdict {
    /** The audit of a snapshot every node reported: CONSISTENT or VIOLATION. */
    COMPLETED,
    /** The report of a snapshot that did not complete in time: ABORTED. */
    ABORTED,
    /** A complete snapshot's report with a (new) deep audit merged in. */
    DEEP_AUDITED
  }

  /** Publish {@code report} on the audit-reports topic, keyed by its snapshot id. */
  record Publish(AuditReport report, Verdict verdict) implements Effect {}

  /** Tell every node to drop the snapshot. */
  record Abort(SnapshotAbort abort, AbortReason reason) implements Effect {}

  /**
   * Request the snapshot again, under a new id: snapshot {@code retryOf} was aborted because the
   * bank's members changed. The new request names {@code epoch} and {@code initiators} (empty:
   * every node initiates).
   */
  record Retry(long retryOf, long epoch, List<Integer> initiators) implements Effect {
    public Retry {
      initiators = List.copyOf(initiators);
    }
  }

  /** Quarantine the input record being processed. */
  record RejectInput(QuarantineReason reason, String detail) implements Effect {}

  /**
   * Quarantine a report the snapshot held (it arrived earlier, so its log position is no longer
   * known).
   */
  record RejectHeld(LocalSnapshotReport report, QuarantineReason reason, String detail)
      implements Effect {}

  /** An input that changes nothing and is only counted: a DUPLICATE or LATE report. */
  record Ignore(Acceptance acceptance) implements Effect {}
}
