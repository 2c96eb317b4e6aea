package io.snapbank.auditor.web;

import io.snapbank.schemas.AuditReport;
import java.util.Optional;

/**
 * The answer to {@code POST /api/reports/ID/deep-audit}, as data; the server maps each kind to an
 * HTTP status.
 */
public sealed interface DeepAuditAnswer
    permits DeepAuditAnswer.Audited,
        DeepAuditAnswer.Queued,
        DeepAuditAnswer.Unknown,
        DeepAuditAnswer.Refused,
        DeepAuditAnswer.Failed {

  /** 200: the report with its deep audit (an ABORTED report as it is: nothing to deep-audit). */
  record Audited(AuditReport report) implements DeepAuditAnswer {}

  /** 202: queued, not done within the answer timeout; the report will be updated later. */
  record Queued(String message) implements DeepAuditAnswer {}

  /** 404: no report of this snapshot is known. */
  record Unknown(long snapshotId) implements DeepAuditAnswer {}

  /** 503: not queued (the queue is full, or the auditor is stopping). */
  record Refused(String message) implements DeepAuditAnswer {}

  /** 500: the deep audit could not be carried out. */
  record Failed(String message) implements DeepAuditAnswer {}

  /** {@link Audited} with the report when there is one, else {@link Unknown}. */
  static DeepAuditAnswer of(long snapshotId, Optional<AuditReport> report) {
    return report.<DeepAuditAnswer>map(Audited::new).orElseGet(() -> new Unknown(snapshotId));
  }
}
