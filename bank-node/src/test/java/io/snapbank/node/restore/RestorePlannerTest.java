package io.snapbank.node.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.DeepAudit;
import io.snapbank.schemas.NodeFigure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
  private static final BankAccounts BANK =
      new BankAccounts(
          new TreeMap<>(
              Map.of(
                  0, new TreeMap<>(Map.of("n0-a000", 100L, "n0-a001", 100L)),
                  1, new TreeMap<>(Map.<String, Long>of("n1-a000", 200L)))));

  private static NodeFigure figure(int node, SortedMap<String, Long> balances) {
    List<AccountBalance> list = new ArrayList<>();
    balances.forEach((a, b) -> list.add(new AccountBalance(a, b)));
    long total = balances.values().stream().mapToLong(Long::longValue).sum();
    return new NodeFigure(node, total, list.size(), list);
  }

  private static AuditReport report(AuditStatus status, List<NodeFigure> nodes) {
    return AuditReport.newBuilder()
        .setSnapshotId(7)
        .setStatus(status)
        .setExpectedTotal(400)
        .setBalancesTotal(400)
        .setInFlightTotal(0)
        .setDifference(0)
        .setNodes(nodes)
        .setChannels(List.of())
        .setRequestedAtMs(0)
        .setCompletedAtMs(0)
        .setLatencyMs(0)
        .build();
  }

  private static AuditReport whole(AuditStatus status) {
    return report(status, List.of(figure(0, BANK.openingOf(0)), figure(1, BANK.openingOf(1))));
  }

  @Test
  void when_the_snapshot_is_consistent_then_the_consistent_check_passes() {
    RestoreCheck c = RestorePlanner.consistent(whole(AuditStatus.CONSISTENT));
    assertTrue(c.passed(), c.line());
    assertEquals(RestoreCheck.Rule.CONSISTENT, c.rule());
  }

  @Test
  void when_the_snapshot_is_a_violation_or_aborted_then_it_is_refused_with_its_status() {
    for (AuditStatus s : List.of(AuditStatus.VIOLATION, AuditStatus.ABORTED)) {
      RestoreCheck c = RestorePlanner.consistent(whole(s));
      assertFalse(c.passed(), c.line());
      assertTrue(c.detail().contains("snapshot 7 is " + s), c.detail());
    }
  }

  @Test
  void when_a_deep_audit_did_not_verify_the_cut_then_it_is_refused_with_its_problems() {
    AuditReport r = whole(AuditStatus.CONSISTENT);
    r.setDeepAudit(new DeepAudit(false, List.of(), List.of("channel 0->1: log holds 3 transfers")));
    RestoreCheck c = RestorePlanner.consistent(r);
    assertFalse(c.passed(), c.line());
    assertEquals(RestoreCheck.Rule.CONSISTENT, c.rule());
    assertTrue(c.detail().contains("log holds 3 transfers"), c.detail());
  }

  @Test
  void when_every_member_recorded_exactly_its_accounts_then_node_state_passes() {
    assertTrue(
        RestorePlanner.nodeState(whole(AuditStatus.CONSISTENT), List.of(0, 1), BANK).passed());
  }

  @Test
  void when_a_member_recorded_no_balances_then_node_state_fails_naming_it() {
    AuditReport r = report(AuditStatus.CONSISTENT, List.of(figure(0, BANK.openingOf(0))));
    RestoreCheck c = RestorePlanner.nodeState(r, List.of(0, 1), BANK);
    assertFalse(c.passed(), c.line());
    assertEquals(RestoreCheck.Rule.NODE_STATE, c.rule());
    assertEquals("node 1 has no recorded balances", c.detail());
  }

  @Test
  void when_a_member_recorded_other_accounts_than_it_owns_then_node_state_fails() {
    AuditReport r =
        report(
            AuditStatus.CONSISTENT,
            List.of(
                figure(0, new TreeMap<>(Map.of("n0-a000", 200L))), figure(1, BANK.openingOf(1))));
    RestoreCheck c = RestorePlanner.nodeState(r, List.of(0, 1), BANK);
    assertFalse(c.passed(), c.line());
    assertTrue(c.detail().startsWith("node 0 recorded accounts [n0-a000] but owns"), c.detail());
  }

  @Test
  void when_the_members_changed_since_the_cut_then_same_membership_fails_with_both_lists() {
    RestoreCheck c = RestorePlanner.sameMembership(List.of(0, 1), List.of(0, 1, 2));
    assertFalse(c.passed());
    assertEquals(RestoreCheck.Rule.SAME_MEMBERSHIP, c.rule());
    assertEquals("the cut was taken with members [0, 1], the bank now has [0, 1, 2]", c.detail());
    assertTrue(RestorePlanner.sameMembership(List.of(0, 1), List.of(0, 1)).passed());
  }

  @Test
  void when_a_member_has_not_applied_the_current_epoch_then_no_change_in_progress_fails() {
    RestoreCheck c = RestorePlanner.noChangeInProgress(3, Map.of(0, 3L, 1, 2L));
    assertFalse(c.passed());
    assertTrue(c.detail().startsWith("nodes [1] have not applied epoch 3"), c.detail());
    assertTrue(RestorePlanner.noChangeInProgress(3, Map.of(0, 3L, 1, 3L)).passed());
  }

  @Test
  void when_every_record_of_the_cut_decodes_then_records_readable_passes() {
    RestoreCheck c = RestorePlanner.recordsReadable(List.of(), "b.schemas");
    assertTrue(c.passed());
    assertEquals(RestoreCheck.Rule.RECORDS_READABLE, c.rule());
    assertTrue(c.line().startsWith("PASS RECORDS_READABLE: "), c.line());
  }

  @Test
  void when_records_of_the_cut_have_unknown_writer_schemas_then_it_fails_naming_the_first_five() {
    List<String> unreadable = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      unreadable.add("channel 0->1 offset " + i + ": ChannelRecord: UNKNOWN_SCHEMA (...)");
    }
    RestoreCheck c = RestorePlanner.recordsReadable(unreadable, "b.schemas");
    assertFalse(c.passed());
    assertTrue(
        c.detail().startsWith("7 records this release cannot read (register their schemas in"),
        c.detail());
    assertTrue(c.detail().contains("offset 4:"), c.detail());
    assertFalse(c.detail().contains("offset 5:"), c.detail());
    assertTrue(c.detail().endsWith("; and 2 more"), c.detail());
  }
}
