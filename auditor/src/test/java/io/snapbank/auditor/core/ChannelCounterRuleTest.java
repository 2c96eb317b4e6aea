package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelCount;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelCounterRuleTest {
  private static final long ID = 42;

  /**
   * {@link AuditRulesTest#consistent()} with the nodes' counters: channel 0->1 carries 2 transfers
   * summing 10, which node 0 had sent (7 summing 60) and node 1 had not yet accepted (5 summing
   * 50); the other channels are empty in flight. Channels 1->2 and 2->1 never carried anything, so
   * they are absent from the counters (zero).
   */
  static List<LocalSnapshotReport> counted() {
    List<LocalSnapshotReport> reports = AuditRulesTest.consistent();
    set(
        reports.get(0),
        List.of(count(1, 7, 60), count(2, 3, 30)),
        List.of(count(1, 4, 40), count(2, 1, 5)));
    set(reports.get(1), List.of(count(0, 4, 40)), List.of(count(0, 5, 50)));
    set(reports.get(2), List.of(count(0, 1, 5)), List.of(count(0, 3, 30)));
    return reports;
  }

  private static ChannelCount count(int peer, long count, long sum) {
    return new ChannelCount(peer, count, sum);
  }

  private static void set(
      LocalSnapshotReport r, List<ChannelCount> sent, List<ChannelCount> received) {
    r.setSent(new ArrayList<>(sent));
    r.setReceived(new ArrayList<>(received));
  }

  @Test
  void when_sent_minus_received_is_every_channel_state_then_no_problem_and_consistent() {
    assertEquals(List.of(), ChannelCounterRule.check(counted()));
    AuditReport r = AuditRules.audit(ID, counted(), AuditRulesTest.genesis(), 0, 1_500);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
  }

  @Test
  void
      when_the_receiver_accepted_fewer_than_the_state_implies_then_channel_counters_names_the_figures() {
    List<LocalSnapshotReport> reports = counted();
    reports.get(1).getReceived().set(0, count(0, 4, 41));
    AuditReport r = AuditRules.audit(ID, reports, AuditRulesTest.genesis(), 0, 1_500);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(List.of(ViolationReason.CHANNEL_COUNTERS), AuditRules.reasons(r));
    assertEquals(
        "CHANNEL_COUNTERS: channel 0->1: node 0 had sent 7 transfers summing 60 and node 1 had"
            + " accepted 4 summing 41, so 3 summing 19 were in flight, but the channel state"
            + " records 2 summing 10",
        r.getProblems().get(0));
  }

  @Test
  void when_only_the_sum_differs_then_still_a_violation() {
    List<LocalSnapshotReport> reports = counted();
    reports.get(0).getSent().set(0, count(1, 7, 61));
    List<Problem> problems = ChannelCounterRule.check(reports);
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).detail().startsWith("channel 0->1:"), problems.toString());
  }

  @Test
  void when_a_channel_is_missing_from_the_counters_then_it_counts_as_zero() {
    List<LocalSnapshotReport> reports = counted();
    // node 2 claims a transfer in flight on 1->2, which node 1 never counted as sent
    reports.get(2).getChannels().stream()
        .filter(c -> c.getFromNode() == 1)
        .forEach(
            c -> {
              c.setMarkerOffset(21L);
              c.setCount(1L);
              c.setSum(3L);
            });
    List<Problem> problems = ChannelCounterRule.check(reports);
    assertEquals(1, problems.size());
    assertTrue(
        problems
            .get(0)
            .detail()
            .contains(
                "so 0 summing 0 were in flight, but the channel state" + " records 1 summing 3"),
        problems.toString());
  }

  @Test
  void when_a_report_has_no_counters_then_its_channels_are_not_checked() {
    List<LocalSnapshotReport> reports = counted();
    set(reports.get(1), List.of(), List.of());
    reports.get(0).getSent().set(0, count(1, 99, 999));
    assertEquals(List.of(), ChannelCounterRule.check(reports), "an older writer's report");
    assertEquals(
        List.of(), ChannelCounterRule.check(AuditRulesTest.consistent()), "no counters at all");
  }
}
