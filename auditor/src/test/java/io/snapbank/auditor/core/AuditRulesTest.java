package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditRulesTest {
  private static final long ID = 42;

  /**
   * A consistent 3-node snapshot of a bank of 3 × 100: node 0 holds 90 (two accounts, 50 + 40) and
   * 10 is in flight on channel 0->1 (two transfers, 4 + 6, at offsets 20..21 of [20, 23)).
   */
  static List<LocalSnapshotReport> consistent() {
    List<LocalSnapshotReport> out = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      List<ChannelState> chans = new ArrayList<>();
      for (int from = 0; from < 3; from++) {
        if (from != node) {
          boolean carries = from == 0 && node == 1;
          chans.add(
              new ChannelState(
                  from,
                  node,
                  20L,
                  carries ? 23L : 20L,
                  carries ? 2L : 0L,
                  carries ? 10L : 0L,
                  -1L,
                  0,
                  -1L));
        }
      }
      List<AccountBalance> balances =
          node == 0
              ? List.of(new AccountBalance("n0-a000", 50L), new AccountBalance("n0-a001", 40L))
              : List.of(new AccountBalance("n" + node + "-a000", 100L));
      out.add(
          new LocalSnapshotReport(
              ID,
              node,
              1_000L + node,
              1_010L,
              1_020L,
              new ArrayList<>(balances),
              chans,
              List.of(),
              List.of(),
              0L,
              0L));
    }
    return out;
  }

  static BankGenesis genesis() {
    List<GenesisAccount> accounts = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      accounts.add(new GenesisAccount(n, "n" + n + "-a000", 100L));
    }
    return new BankGenesis(3, 300L, accounts, 0L, "", 1, io.snapbank.schemas.ChannelOrder.FIFO, 1);
  }

  private static ChannelState channel(List<LocalSnapshotReport> reports, int from, int to) {
    return reports.get(to).getChannels().stream()
        .filter(c -> c.getFromNode() == from)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void when_balances_and_in_flight_add_up_then_consistent_with_totals_and_figures() {
    AuditReport r = AuditRules.audit(ID, consistent(), genesis(), 0, 1_500);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(300, r.getExpectedTotal());
    assertEquals(290, r.getBalancesTotal());
    assertEquals(10, r.getInFlightTotal());
    assertEquals(0, r.getDifference());
    assertEquals(List.of(0, 1, 2), r.getNodes().stream().map(n -> n.getNodeId()).toList());
    assertEquals(90, r.getNodes().get(0).getBalancesTotal());
    assertEquals(2, r.getNodes().get(0).getAccounts());
    assertEquals(
        2,
        r.getNodes().get(0).getBalances().size(),
        "the per-account balances travel with the report");
    assertEquals(6, r.getChannels().size());
    assertEquals(0, r.getChannels().get(0).getFromNode());
    assertEquals(1, r.getChannels().get(0).getToNode(), "channels sorted by from, then to");
    assertTrue(r.getProblems().isEmpty());
    assertTrue(r.getMissingNodes().isEmpty());
    assertNull(r.getDeepAudit());
  }

  @Test
  void when_no_request_record_is_known_then_latency_counts_from_the_earliest_node_request() {
    AuditReport r = AuditRules.audit(ID, consistent(), genesis(), 0, 1_500);
    assertEquals(1_000, r.getRequestedAtMs());
    assertEquals(500, r.getLatencyMs());
    assertEquals(1_500, r.getCompletedAtMs());
  }

  @Test
  void when_the_request_record_is_known_then_latency_counts_from_it() {
    AuditReport r = AuditRules.audit(ID, consistent(), genesis(), 1_200, 1_500);
    assertEquals(1_200, r.getRequestedAtMs());
    assertEquals(300, r.getLatencyMs());
  }

  @Test
  void when_no_request_time_is_known_at_all_then_latency_is_zero_not_the_epoch() {
    List<LocalSnapshotReport> reports = consistent();
    reports.forEach(x -> x.setRequestedAtMs(0L));
    AuditReport r = AuditRules.audit(ID, reports, genesis(), 0, 1_500);
    assertEquals(0, r.getRequestedAtMs());
    assertEquals(0, r.getLatencyMs());
  }

  @Test
  void when_money_is_created_then_conservation_violation_first_with_the_difference() {
    List<LocalSnapshotReport> reports = consistent();
    reports.get(2).setBalances(new ArrayList<>(List.of(new AccountBalance("n2-a000", 150L))));
    AuditReport r = AuditRules.audit(ID, reports, genesis(), 0, 1_500);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(50, r.getDifference());
    assertEquals(List.of(ViolationReason.CONSERVATION), AuditRules.reasons(r));
    assertEquals(
        "CONSERVATION: balances 340 + in flight 10 = 350, expected 300 (difference 50)",
        r.getProblems().get(0));
  }

  @Test
  void when_an_account_is_negative_then_negative_balance_even_if_the_total_holds() {
    List<LocalSnapshotReport> reports = consistent();
    reports
        .get(0)
        .setBalances(
            new ArrayList<>(
                List.of(new AccountBalance("n0-a000", 100L), new AccountBalance("n0-a001", -10L))));
    List<Problem> problems = AuditRules.check(reports, Members.range(3), 300);
    assertEquals(
        List.of(new Problem(ViolationReason.NEGATIVE_BALANCE, "account n0-a001 of node 0 has -10")),
        problems);
  }

  @Test
  void when_a_channel_is_not_recorded_then_channel_missing_names_it() {
    List<LocalSnapshotReport> reports = consistent();
    reports.get(2).setChannels(new ArrayList<>(List.of(channel(reports, 0, 2))));
    AuditReport r = AuditRules.audit(ID, reports, genesis(), 0, 1_500);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(List.of("CHANNEL_MISSING: channel 1->2 not recorded"), r.getProblems());
    assertEquals(5, r.getChannels().size());
  }

  @Test
  void when_a_channel_is_recorded_twice_then_channel_duplicate_and_counted_once() {
    List<LocalSnapshotReport> reports = consistent();
    List<ChannelState> chans = new ArrayList<>(reports.get(1).getChannels());
    chans.add(channel(reports, 0, 1));
    reports.get(1).setChannels(chans);
    AuditReport r = AuditRules.audit(ID, reports, genesis(), 0, 1_500);
    assertEquals(List.of(ViolationReason.CHANNEL_DUPLICATE), AuditRules.reasons(r));
    assertEquals(10, r.getInFlightTotal(), "the duplicate is not added twice");
  }

  @Test
  void
      when_a_node_reports_a_channel_it_does_not_receive_or_from_outside_the_bank_then_channel_unknown() {
    List<LocalSnapshotReport> reports = consistent();
    List<ChannelState> chans = new ArrayList<>(reports.get(2).getChannels());
    chans.add(new ChannelState(0, 1, 0L, 0L, 0L, 0L, -1L, 0, -1L)); // 0->1 is node 1's to record
    chans.add(new ChannelState(7, 2, 0L, 0L, 0L, 0L, -1L, 0, -1L)); // node 7 does not exist
    chans.add(new ChannelState(2, 2, 0L, 0L, 0L, 0L, -1L, 0, -1L)); // no channel to itself
    reports.get(2).setChannels(chans);
    List<ViolationReason> reasons =
        AuditRules.check(reports, Members.range(3), 300).stream().map(Problem::reason).toList();
    assertEquals(
        List.of(
            ViolationReason.CHANNEL_UNKNOWN,
            ViolationReason.CHANNEL_UNKNOWN,
            ViolationReason.CHANNEL_UNKNOWN),
        reasons);
  }

  @Test
  void when_a_range_is_impossible_then_bad_range() {
    assertEquals(
        Optional.empty(),
        AuditRules.rangeProblem(new ChannelState(0, 1, 5L, 9L, 2L, 30L, -1L, 0, -1L)));
    assertEquals(
        Optional.empty(),
        AuditRules.rangeProblem(new ChannelState(0, 1, 5L, 5L, 0L, 0L, -1L, 0, -1L)));
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 9L, 5L, 0L, 0L, -1L, 0, -1L)).isPresent(),
        "first > marker");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, -1L, 5L, 0L, 0L, -1L, 0, -1L)).isPresent(),
        "negative offset");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 0L, 5L, -1L, 0L, -1L, 0, -1L)).isPresent(),
        "negative count");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 0L, 5L, 1L, -3L, -1L, 0, -1L)).isPresent(),
        "negative sum");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 0L, 5L, 0L, 7L, -1L, 0, -1L)).isPresent(),
        "no transfers, a sum");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 0L, 2L, 3L, 30L, -1L, 0, -1L)).isPresent(),
        "more than offsets");
    assertTrue(
        AuditRules.rangeProblem(new ChannelState(0, 1, 0L, 5L, 3L, 2L, -1L, 0, -1L)).isPresent(),
        "below one unit each");

    List<LocalSnapshotReport> reports = consistent();
    ChannelState c = channel(reports, 0, 1);
    c.setFirstOffset(30L);
    AuditReport r = AuditRules.audit(ID, reports, genesis(), 0, 1_500);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(List.of("BAD_RANGE: channel 0->1 has range [30, 23)"), r.getProblems());
  }

  @Test
  void when_several_rules_fail_then_every_problem_is_listed_conservation_first() {
    List<LocalSnapshotReport> reports = consistent();
    reports.get(1).setChannels(new ArrayList<>());
    List<ViolationReason> reasons =
        AuditRules.check(reports, Members.range(3), 300).stream().map(Problem::reason).toList();
    assertEquals(
        List.of(
            ViolationReason.CONSERVATION,
            ViolationReason.CHANNEL_MISSING,
            ViolationReason.CHANNEL_MISSING),
        reasons);
  }

  @Test
  void when_a_snapshot_is_aborted_then_missing_nodes_and_figures_of_those_that_reported() {
    List<LocalSnapshotReport> reports = consistent().subList(1, 2);
    AuditReport r = AuditRules.aborted(ID, reports, Members.range(3), 300, 900, 31_000);
    assertEquals(AuditStatus.ABORTED, r.getStatus());
    assertEquals(List.of(0, 2), r.getMissingNodes());
    assertEquals(1, r.getNodes().size());
    assertEquals(1, r.getNodes().get(0).getNodeId());
    assertEquals(30_100, r.getLatencyMs());
    assertEquals("ABORTED: nodes [0, 2] did not report in time", r.getProblems().get(0));
  }

  @Test
  void when_a_problem_line_is_parsed_then_its_reason_is_recovered() {
    Problem p = new Problem(ViolationReason.BAD_RANGE, "channel 0->1 has range [3, 1)");
    assertEquals("BAD_RANGE: channel 0->1 has range [3, 1)", p.line());
    assertEquals(Optional.of(ViolationReason.BAD_RANGE), Problem.reasonOf(p.line()));
    assertEquals(Optional.empty(), Problem.reasonOf("ABORTED: nodes [1] did not report in time"));
    assertEquals(Optional.empty(), Problem.reasonOf("no colon"));
  }

  @Test
  void when_an_unreadable_range_line_is_parsed_then_the_channel_is_recovered() {
    UnreadableRange u =
        new UnreadableRange(2, 0, "range [1, 5) is gone: the log now starts at offset 9");
    assertEquals(Optional.of(u), UnreadableRange.parse(u.line()));
    assertEquals(
        Optional.empty(), UnreadableRange.parse("DEEP_AUDIT_MISMATCH: channel 0->1 reports 2"));
  }
}
