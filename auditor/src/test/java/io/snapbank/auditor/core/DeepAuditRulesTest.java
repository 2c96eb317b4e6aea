package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.InFlightTransfer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeepAuditRulesTest {
  private static final long ID = 42;

  @Test
  void when_the_log_holds_what_was_reported_then_the_deep_audit_is_verified() {
    AuditReport r =
        AuditRules.audit(ID, AuditRulesTest.consistent(), AuditRulesTest.genesis(), 0, 1_500);
    List<InFlightTransfer> listed =
        List.of(
            new InFlightTransfer(0, 1, 20L, "t1", 4L), new InFlightTransfer(0, 1, 21L, "t2", 6L));
    AuditReport deep = DeepAuditRules.withDeepAudit(r, listed, List.of());
    assertEquals(AuditStatus.CONSISTENT, deep.getStatus());
    assertTrue(deep.getDeepAudit().getVerified());
    assertEquals(2, deep.getDeepAudit().getTransfers().size());
    assertNull(r.getDeepAudit(), "the input report is not changed");
  }

  @Test
  void when_the_log_differs_from_the_report_then_deep_audit_mismatch_makes_a_violation() {
    AuditReport r =
        AuditRules.audit(ID, AuditRulesTest.consistent(), AuditRulesTest.genesis(), 0, 1_500);
    List<InFlightTransfer> listed = List.of(new InFlightTransfer(0, 1, 20L, "t1", 4L));
    AuditReport deep = DeepAuditRules.withDeepAudit(r, listed, List.of());
    assertEquals(AuditStatus.VIOLATION, deep.getStatus());
    assertFalse(deep.getDeepAudit().getVerified());
    assertEquals(List.of(ViolationReason.DEEP_AUDIT_MISMATCH), AuditRules.reasons(deep));
    assertTrue(
        deep.getProblems()
            .get(0)
            .contains("channel 0->1 reports 2 transfers summing 10, the log holds 1 summing 4"),
        deep.getProblems().toString());

    AuditReport again =
        DeepAuditRules.withDeepAudit(
            deep,
            List.of(
                new InFlightTransfer(0, 1, 20L, "t1", 4L),
                new InFlightTransfer(0, 1, 21L, "t2", 6L)),
            List.of());
    assertEquals(
        AuditStatus.CONSISTENT,
        again.getStatus(),
        "a repeated deep audit replaces the earlier one");
    assertTrue(again.getProblems().isEmpty());
  }

  @Test
  void when_a_range_cannot_be_read_then_unverified_but_the_status_stands() {
    AuditReport r =
        AuditRules.audit(ID, AuditRulesTest.consistent(), AuditRulesTest.genesis(), 0, 1_500);
    AuditReport deep =
        DeepAuditRules.withDeepAudit(
            r, List.of(), List.of(new UnreadableRange(0, 1, "the log now starts at offset 50")));
    assertEquals(AuditStatus.CONSISTENT, deep.getStatus(), deep.getProblems().toString());
    assertFalse(deep.getDeepAudit().getVerified());
    assertEquals(
        List.of("channel 0->1 not verified: the log now starts at offset 50"),
        deep.getDeepAudit().getProblems());
  }

  @Test
  void when_an_aborted_report_is_deep_audited_then_it_is_unchanged() {
    AuditReport aborted = AuditRules.aborted(ID, List.of(), Members.range(3), 300, 0, 5);
    assertEquals(aborted, DeepAuditRules.withDeepAudit(aborted, List.of(), List.of()));
  }

  @Test
  void when_a_result_is_merged_then_it_is_the_same_as_merging_its_parts() {
    AuditReport r =
        AuditRules.audit(ID, AuditRulesTest.consistent(), AuditRulesTest.genesis(), 0, 1_500);
    List<InFlightTransfer> listed = List.of(new InFlightTransfer(0, 1, 20L, "t1", 4L));
    List<UnreadableRange> unreadable = List.of(new UnreadableRange(2, 0, "gone"));
    assertEquals(
        DeepAuditRules.withDeepAudit(r, listed, unreadable),
        DeepAuditRules.withDeepAudit(r, new DeepAuditResult(ID, listed, unreadable)));
  }
}
