package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.NodeFigure;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CutDiffTest {
  /** A CONSISTENT two-node cut: node 0 holds a0, node 1 holds b0 and b1. */
  private static AuditReport cut(
      long id, long requestedAt, long a0, long b0, long b1, long inFlight01, long inFlight10) {
    List<NodeFigure> nodes =
        List.of(
            new NodeFigure(0, a0, 1, List.of(new AccountBalance("a0", a0))),
            new NodeFigure(
                1,
                b0 + b1,
                2,
                List.of(new AccountBalance("b0", b0), new AccountBalance("b1", b1))));
    List<ChannelState> channels =
        List.of(
            new ChannelState(0, 1, 5L, 7L, 1L, inFlight01, 3L, 0, -1L),
            new ChannelState(1, 0, 3L, 3L, 0L, inFlight10, 2L, 0, -1L));
    long balances = a0 + b0 + b1;
    long inFlight = inFlight01 + inFlight10;
    return AuditReport.newBuilder()
        .setSnapshotId(id)
        .setStatus(AuditStatus.CONSISTENT)
        .setExpectedTotal(200)
        .setBalancesTotal(balances)
        .setInFlightTotal(inFlight)
        .setDifference(balances + inFlight - 200)
        .setNodes(nodes)
        .setChannels(channels)
        .setRequestedAtMs(requestedAt)
        .setCompletedAtMs(requestedAt + 10)
        .setLatencyMs(10)
        .setMembers(List.of(0, 1))
        .build();
  }

  private static final AuditReport A = cut(1, 1000, 100, 50, 40, 10, 0);

  /**
   * Between the cuts node 0 sent 30 from a0 to node 1 and node 1 sent 12 from b1 to a0; node 1
   * accepted the 10 in flight at A and 25 of the 30 (5 still in flight at B) into b0 (20) and b1
   * (15), and moved 5 from b0 to b1.
   */
  private static final AuditReport B = cut(2, 3000, 82, 65, 48, 5, 0);

  private static List<ChannelFlow> flows(long accepted01) {
    return List.of(
        new ChannelFlow.Builder(0, 1)
            .sent("a0", 30)
            .received("b0", 20)
            .received("b1", accepted01 - 20)
            .build(),
        new ChannelFlow.Builder(1, 0).sent("b1", 12).received("a0", 12).build());
  }

  @Test
  void when_the_logs_explain_every_change_then_the_diff_adds_up() {
    CutDiff d = CutDiff.of(A, B, flows(35));
    assertTrue(d.addsUp(), d.problems().toString());
    assertEquals(5, d.balancesChange(), "in flight went down by 5");
    assertEquals(10, d.inFlightBefore());
    assertEquals(5, d.inFlightAfter());
    CutDiff.NodeChange n0 = d.nodes().get(0);
    assertEquals(-18, n0.change());
    assertEquals(30, n0.sent());
    assertEquals(12, n0.received());
    CutDiff.ChannelChange c01 = d.channels().get(0);
    assertEquals(30, c01.sent());
    assertEquals(35, c01.received());
    CutDiff.AccountChange b0 =
        d.accounts().stream().filter(a -> a.account().equals("b0")).findFirst().orElseThrow();
    assertEquals(15, b0.change());
    assertEquals(20, b0.received());
    assertEquals(-5, b0.local(), "b0 moved 5 to b1 inside node 1");
    CutDiff.AccountChange b1 =
        d.accounts().stream().filter(a -> a.account().equals("b1")).findFirst().orElseThrow();
    assertEquals(5, b1.local());
  }

  @Test
  void when_a_channel_log_disagrees_with_the_cuts_then_the_channel_and_the_node_are_named() {
    CutDiff d = CutDiff.of(A, B, flows(34));
    assertFalse(d.addsUp());
    assertTrue(
        d.problems().stream().anyMatch(p -> p.startsWith("channel 0->1: accepted 34")),
        d.problems().toString());
    assertTrue(
        d.problems().stream().anyMatch(p -> p.startsWith("node 1: balance changed by 23")),
        d.problems().toString());
  }

  @Test
  void when_a_channel_was_not_read_then_the_diff_does_not_add_up() {
    CutDiff d = CutDiff.of(A, B, flows(35).subList(0, 1));
    assertFalse(d.addsUp());
    assertTrue(d.problems().contains("channel 1->0: its log between the cuts was not read"));
  }

  @Test
  void when_the_cuts_are_in_order_and_alike_then_nothing_is_refused() {
    assertEquals(Optional.empty(), CutDiff.refusal(A, B));
  }

  @Test
  void when_the_ids_are_in_the_wrong_order_then_the_diff_is_refused_with_the_right_command() {
    assertEquals(
        Optional.of("snapshot 2 was taken after 1: give the earlier one first (snapbank diff 1 2)"),
        CutDiff.refusal(B, A));
  }

  @Test
  void when_a_cut_is_not_consistent_or_twice_the_same_then_the_diff_is_refused() {
    AuditReport aborted =
        AuditReport.newBuilder(B)
            .setStatus(AuditStatus.ABORTED)
            .setAbortReason("TIMED_OUT")
            .build();
    assertEquals(
        Optional.of(
            "snapshot 2 is ABORTED (TIMED_OUT), not a consistent cut: diff compares CONSISTENT"
                + " snapshots"),
        CutDiff.refusal(A, aborted));
    assertTrue(CutDiff.refusal(A, A).orElseThrow().startsWith("give two different snapshots"));
  }

  @Test
  void when_a_restore_or_a_membership_change_lies_between_then_the_diff_is_refused() {
    AuditReport restored = AuditReport.newBuilder(B).setIncarnation(3).setEpoch(3).build();
    assertTrue(
        CutDiff.refusal(A, restored)
            .orElseThrow()
            .startsWith("a restore lies between snapshots 1 and 2"));
    AuditReport grown = AuditReport.newBuilder(B).setMembers(List.of(0, 1, 2)).build();
    assertTrue(
        CutDiff.refusal(A, grown)
            .orElseThrow()
            .startsWith("the members changed between snapshots 1"));
  }
}
