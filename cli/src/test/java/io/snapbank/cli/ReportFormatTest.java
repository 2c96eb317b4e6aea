package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.Members;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
  private static final Members MEMBERS = Members.of(0, 2);

  private static AuditReport consistent() {
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n : MEMBERS.ids()) {
      reports.add(
          LocalSnapshotReport.newBuilder()
              .setSnapshotId(12L)
              .setNodeId(n)
              .setRecordedAtMs(11L)
              .setCompletedAtMs(12L)
              .setBalances(List.of(new AccountBalance("n" + n + "-a000", n == 0 ? 90L : 100L)))
              .setChannels(
                  List.of(
                      new ChannelState(
                          2 - n,
                          n,
                          3L,
                          n == 0 ? 4L : 3L,
                          n == 0 ? 1L : 0L,
                          n == 0 ? 10L : 0L,
                          -1L,
                          0,
                          -1L)))
              .setEpoch(3L)
              .build());
    }
    return AuditReport.newBuilder(AuditRules.audit(12, reports, MEMBERS, 200, 10, 20))
        .setEpoch(3L)
        .setRetryOf(11L)
        .build();
  }

  @Test
  void when_a_retried_snapshot_is_shown_then_its_epoch_members_and_the_retried_one_are_named() {
    String line = ReportFormat.line(consistent());
    assertEquals(
        "snapshot 12 CONSISTENT in epoch 3, members [0, 2], retry of 11: balances 190 + in flight"
            + " 10 = 200 (expected 200, difference 0), 10 ms",
        line);
    String full = ReportFormat.full(consistent());
    assertTrue(full.startsWith(line + "\n"), full);
    assertTrue(full.contains("  node 2: 100 across 1 accounts"), full);
    assertTrue(full.contains("  channel 2->0: 1 transfers, 10 in flight (offsets 3..4)"), full);
  }

  @Test
  void when_a_snapshot_follows_a_restore_then_its_incarnation_is_named() {
    AuditReport r = AuditReport.newBuilder(consistent()).setIncarnation(2L).build();
    assertTrue(
        ReportFormat.line(r)
            .startsWith("snapshot 12 CONSISTENT in epoch 3 (incarnation 2), members"),
        ReportFormat.line(r));
  }

  @Test
  void when_an_aborted_snapshot_is_shown_then_the_reason_and_the_missing_members_are_named() {
    AuditReport aborted =
        AuditReport.newBuilder(AuditRules.aborted(13, List.of(), MEMBERS, 200, 0, 5))
            .setAbortReason("EPOCH_CHANGED")
            .setEpoch(2L)
            .setProblems(List.of())
            .build();
    assertEquals(
        "snapshot 13 ABORTED (EPOCH_CHANGED) in epoch 2, members [0, 2]: missing nodes [0, 2], 0 ms",
        ReportFormat.line(aborted));
    aborted.setMembers(List.of());
    assertTrue(ReportFormat.line(aborted).contains("members not known"));
  }
}
