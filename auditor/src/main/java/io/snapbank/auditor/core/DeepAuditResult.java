package io.snapbank.auditor.core;

import io.snapbank.schemas.InFlightTransfer;
import java.util.List;

/**
 * What re-reading a snapshot's recorded channel ranges from the log found: the in-flight transfers
 * the receivers accepted, in channel and offset order, and the channels that could not be read.
 * Merged into the snapshot's report by {@link DeepAuditRules#withDeepAudit(
 * io.snapbank.schemas.AuditReport, DeepAuditResult)}.
 */
public record DeepAuditResult(
    long snapshotId, List<InFlightTransfer> transfers, List<UnreadableRange> unreadable) {
  public DeepAuditResult {
    transfers = List.copyOf(transfers);
    unreadable = List.copyOf(unreadable);
  }
}
