package io.snapbank.auditor.core;

import static io.snapbank.auditor.core.LifecycleFixtures.TIMEOUT_MS;
import static io.snapbank.auditor.core.LifecycleFixtures.after;
import static io.snapbank.auditor.core.LifecycleFixtures.bank;
import static io.snapbank.auditor.core.LifecycleFixtures.genesis;
import static io.snapbank.auditor.core.LifecycleFixtures.noGenesis;
import static io.snapbank.auditor.core.LifecycleFixtures.reported;
import static io.snapbank.auditor.core.LifecycleFixtures.requested;
import static io.snapbank.auditor.core.LifecycleFixtures.unrequested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.InFlightTransfer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per row of the transition table of {@link SnapshotLifecycle}. */
class SnapshotLifecycleTest {
  private static final SnapshotLifecycle BANK3 = bank(3);
  private static final Optional<SnapshotState> UNSEEN = Optional.empty();

  private static DeepAuditResult emptyDeepAudit(long id) {
    return new DeepAuditResult(id, List.of(), List.of());
  }

  private static SnapshotState pending(int... nodes) {
    return after(BANK3, 7, 3, nodes);
  }

  private static FinishedSnapshot complete() {
    return (FinishedSnapshot) after(BANK3, 7, 3, 0, 1, 2);
  }

  private static FinishedSnapshot aborted() {
    return (FinishedSnapshot)
        BANK3
            .apply(Optional.of(pending(0)), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS))
            .next()
            .orElseThrow();
  }

  // UNSEEN

  @Test
  void when_unseen_gets_a_request_then_pending_from_now_with_the_request_time() {
    Transition t = BANK3.apply(UNSEEN, new SnapshotEvent.Requested(7, 500, 1_000));
    assertEquals(
        Optional.of(PendingSnapshot.opened(7, 1_000, new RequestTerms(500, 0, List.of(), -1))),
        t.next(),
        "a request naming no epoch counts as one of the current epoch");
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_unseen_gets_a_report_of_a_node_of_the_bank_then_pending_holding_it() {
    Transition t = BANK3.apply(UNSEEN, reported(7, 1, 3, 1_000));
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, t.next().orElseThrow());
    assertEquals(Set.of(1), p.reported());
    assertEquals(1_000, p.firstSeenMs());
    assertEquals(0, p.requestedAtMs(), "no request seen");
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_unseen_gets_the_only_report_of_a_one_node_bank_then_its_request_completes_it() {
    Transition t = bank(1).apply(UNSEEN, reported(7, 0, 1, 1_000));
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, t.next().orElseThrow());
    assertEquals(Set.of(0), p.reported());
    assertEquals(List.of(), t.effects(), "every report is in, its request is awaited");
    Transition done = bank(1).apply(t.next(), requested(7, 1_200));
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, done.next().orElseThrow());
    assertEquals(List.of(new Effect.Publish(f.report(), Effect.Verdict.COMPLETED)), done.effects());
    assertEquals(
        AuditStatus.CONSISTENT, f.report().getStatus(), f.report().getProblems().toString());
  }

  @Test
  void when_unseen_gets_a_report_of_a_node_outside_the_bank_then_quarantined_and_nothing_held() {
    Transition t = BANK3.apply(UNSEEN, reported(7, 3, 3, 1_000));
    assertEquals(UNSEEN, t.next());
    Effect.RejectInput r = t.effects(Effect.RejectInput.class).get(0);
    assertEquals(QuarantineReason.UNKNOWN_NODE, r.reason());
    assertEquals(
        "report of node 3 for snapshot 7; the members of epoch 0 are [0, 1, 2]", r.detail());
    Transition negative = noGenesis().apply(UNSEEN, reported(7, -1, 3, 1_000));
    assertEquals(UNSEEN, negative.next());
    assertEquals(
        "report of node -1 for snapshot 7: a node id is never negative",
        negative.effects(Effect.RejectInput.class).get(0).detail());
  }

  @Test
  void when_unseen_gets_the_genesis_or_a_tick_then_nothing_happens() {
    assertEquals(Transition.none(), BANK3.apply(UNSEEN, new SnapshotEvent.GenesisKnown(1)));
    assertEquals(Transition.none(), BANK3.apply(UNSEEN, new SnapshotEvent.Tick(1)));
  }

  @Test
  void when_unseen_gets_a_deep_audit_then_it_is_quarantined_as_unmatched() {
    Transition t = BANK3.apply(UNSEEN, new SnapshotEvent.DeepAudited(emptyDeepAudit(7), 1));
    assertEquals(UNSEEN, t.next());
    assertEquals(
        QuarantineReason.UNMATCHED_DEEP_AUDIT, t.effects(Effect.RejectInput.class).get(0).reason());
  }

  // PENDING

  @Test
  void when_pending_gets_a_request_then_the_earliest_request_time_is_kept() {
    SnapshotState p =
        BANK3.apply(UNSEEN, new SnapshotEvent.Requested(7, 500, 1_000)).next().orElseThrow();
    PendingSnapshot later =
        (PendingSnapshot)
            BANK3
                .apply(Optional.of(p), new SnapshotEvent.Requested(7, 800, 2_000))
                .next()
                .orElseThrow();
    assertEquals(500, later.requestedAtMs());
    assertEquals(1_000, later.firstSeenMs(), "the timeout still counts from the first sight");
    PendingSnapshot earlier =
        (PendingSnapshot)
            BANK3
                .apply(Optional.of(p), new SnapshotEvent.Requested(7, 300, 2_000))
                .next()
                .orElseThrow();
    assertEquals(300, earlier.requestedAtMs());
    SnapshotState held = unrequested(BANK3, 7, 3, 0);
    PendingSnapshot requested =
        (PendingSnapshot)
            BANK3
                .apply(Optional.of(held), new SnapshotEvent.Requested(7, 400, 2_000))
                .next()
                .orElseThrow();
    assertEquals(400, requested.requestedAtMs());
    assertEquals(Set.of(0), requested.reported(), "held reports are kept");
  }

  @Test
  void when_pending_gets_a_report_of_a_new_node_not_the_last_then_it_is_held() {
    Transition t = BANK3.apply(Optional.of(pending(0)), reported(7, 2, 3, 2_000));
    assertEquals(Set.of(0, 2), ((PendingSnapshot) t.next().orElseThrow()).reported());
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_pending_gets_the_last_missing_report_then_finished_with_the_audit_published() {
    SnapshotState p =
        BANK3.apply(UNSEEN, new SnapshotEvent.Requested(7, 500, 600)).next().orElseThrow();
    p = BANK3.apply(Optional.of(p), reported(7, 0, 3, 700)).next().orElseThrow();
    p = BANK3.apply(Optional.of(p), reported(7, 1, 3, 800)).next().orElseThrow();
    Transition t = BANK3.apply(Optional.of(p), reported(7, 2, 3, 1_500));
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    AuditReport r = f.report();
    assertEquals(List.of(new Effect.Publish(r, Effect.Verdict.COMPLETED)), t.effects());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(500, r.getRequestedAtMs());
    assertEquals(1_500, r.getCompletedAtMs());
    assertEquals(1_500, f.finishedAtMs());
  }

  @Test
  void when_pending_gets_a_second_report_of_a_node_then_ignored_as_duplicate() {
    SnapshotState p = pending(0);
    Transition t = BANK3.apply(Optional.of(p), reported(7, 0, 3, 2_000));
    assertSame(p, t.next().orElseThrow());
    assertEquals(List.of(new Effect.Ignore(Acceptance.DUPLICATE)), t.effects());
  }

  @Test
  void when_pending_gets_a_report_of_a_node_outside_the_bank_then_quarantined_and_unchanged() {
    SnapshotState p = pending(0);
    Transition t = BANK3.apply(Optional.of(p), reported(7, 5, 3, 2_000));
    assertSame(p, t.next().orElseThrow());
    assertEquals(
        QuarantineReason.UNKNOWN_NODE, t.effects(Effect.RejectInput.class).get(0).reason());
  }

  @Test
  void when_the_genesis_becomes_known_and_nodes_are_missing_then_outside_reports_are_set_aside() {
    SnapshotState held = after(noGenesis(), 7, 3, 0, 6);
    Transition t = BANK3.apply(Optional.of(held), new SnapshotEvent.GenesisKnown(2_000));
    assertEquals(Set.of(0), ((PendingSnapshot) t.next().orElseThrow()).reported());
    Effect.RejectHeld r = t.effects(Effect.RejectHeld.class).get(0);
    assertEquals(6, r.report().getNodeId());
    assertEquals(QuarantineReason.UNKNOWN_NODE, r.reason());
    assertEquals(
        "report of node 6 for snapshot 7, held until the genesis arrived; the members of epoch 0"
            + " are [0, 1, 2]",
        r.detail());
    assertEquals(1, t.effects().size());
  }

  @Test
  void when_the_genesis_becomes_known_and_every_node_is_in_then_finished_and_published() {
    SnapshotState held = after(noGenesis(), 7, 3, 0, 1, 9, 2);
    Transition t = BANK3.apply(Optional.of(held), new SnapshotEvent.GenesisKnown(2_000));
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    assertEquals(2, t.effects().size());
    assertInstanceOf(Effect.RejectHeld.class, t.effects().get(0));
    assertEquals(new Effect.Publish(f.report(), Effect.Verdict.COMPLETED), t.effects().get(1));
    assertEquals(2_000, f.report().getCompletedAtMs());
  }

  @Test
  void when_pending_ticks_before_the_timeout_then_nothing_happens() {
    SnapshotState p = pending(0);
    Transition t = BANK3.apply(Optional.of(p), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS - 1));
    assertSame(p, t.next().orElseThrow());
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_pending_ticks_at_the_timeout_then_aborted_the_nodes_told_and_the_report_published() {
    Transition t = BANK3.apply(Optional.of(pending(0)), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    assertEquals(AuditStatus.ABORTED, f.report().getStatus());
    assertEquals(List.of(1, 2), f.report().getMissingNodes());
    Effect.Abort abort = (Effect.Abort) t.effects().get(0);
    assertEquals(AbortReason.TIMED_OUT, abort.reason());
    assertEquals(7, abort.abort().getSnapshotId());
    assertEquals(
        "TIMED_OUT: not complete within 10000 ms; missing nodes [1, 2]", abort.abort().getReason());
    assertEquals(new Effect.Publish(f.report(), Effect.Verdict.ABORTED), t.effects().get(1));

    SnapshotState held = after(noGenesis(), 8, 3, 0);
    Transition blind =
        noGenesis().apply(Optional.of(held), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    assertEquals(
        AbortReason.TIMED_OUT_WITHOUT_GENESIS, ((Effect.Abort) blind.effects().get(0)).reason());
    assertEquals(
        List.of(), ((FinishedSnapshot) blind.next().orElseThrow()).report().getMissingNodes());
  }

  @Test
  void when_pending_gets_a_deep_audit_then_it_is_quarantined_as_unmatched() {
    SnapshotState p = pending(0);
    Transition t = BANK3.apply(Optional.of(p), new SnapshotEvent.DeepAudited(emptyDeepAudit(7), 2));
    assertSame(p, t.next().orElseThrow());
    assertEquals(
        QuarantineReason.UNMATCHED_DEEP_AUDIT, t.effects(Effect.RejectInput.class).get(0).reason());
  }

  // FINISHED

  @Test
  void when_finished_gets_a_request_the_genesis_or_a_tick_then_nothing_is_reopened() {
    FinishedSnapshot f = complete();
    for (SnapshotEvent e :
        List.of(
            new SnapshotEvent.Requested(7, 1, 5_000),
            new SnapshotEvent.GenesisKnown(5_000),
            new SnapshotEvent.Tick(Long.MAX_VALUE))) {
      assertEquals(Transition.to(f), BANK3.apply(Optional.of(f), e), e.toString());
    }
  }

  @Test
  void when_finished_gets_a_report_then_ignored_as_late() {
    FinishedSnapshot f = complete();
    Transition t = BANK3.apply(Optional.of(f), reported(7, 1, 3, 5_000));
    assertSame(f, t.next().orElseThrow());
    assertEquals(List.of(new Effect.Ignore(Acceptance.LATE)), t.effects());
  }

  @Test
  void when_a_complete_snapshot_gets_a_deep_audit_then_it_is_merged_kept_and_published() {
    FinishedSnapshot f = complete();
    DeepAuditResult wrong =
        new DeepAuditResult(7, List.of(new InFlightTransfer(0, 1, 5L, "t", 3L)), List.of());
    Transition t = BANK3.apply(Optional.of(f), new SnapshotEvent.DeepAudited(wrong, 9_000));
    FinishedSnapshot merged = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    assertEquals(f.finishedAtMs(), merged.finishedAtMs(), "still finished when it was");
    assertEquals(DeepAuditRules.withDeepAudit(f.report(), wrong), merged.report());
    assertEquals(AuditStatus.VIOLATION, merged.report().getStatus());
    assertEquals(
        List.of(new Effect.Publish(merged.report(), Effect.Verdict.DEEP_AUDITED)), t.effects());
    Transition again =
        BANK3.apply(t.next(), new SnapshotEvent.DeepAudited(emptyDeepAudit(7), 9_500));
    AuditReport fixed = ((FinishedSnapshot) again.next().orElseThrow()).report();
    assertEquals(AuditStatus.CONSISTENT, fixed.getStatus(), "a repeated deep audit replaces it");
    assertTrue(fixed.getDeepAudit().getVerified());
  }

  @Test
  void when_an_aborted_snapshot_gets_a_deep_audit_then_it_is_quarantined_as_unmatched() {
    FinishedSnapshot f = aborted();
    Transition t = BANK3.apply(Optional.of(f), new SnapshotEvent.DeepAudited(emptyDeepAudit(7), 2));
    assertSame(f, t.next().orElseThrow());
    assertEquals(
        QuarantineReason.UNMATCHED_DEEP_AUDIT, t.effects(Effect.RejectInput.class).get(0).reason());
  }

  // the genesis

  @Test
  void when_the_first_valid_genesis_arrives_then_it_is_adopted() {
    GenesisVerdict v = noGenesis().onGenesis(genesis(3));
    GenesisVerdict.Adopted a = assertInstanceOf(GenesisVerdict.Adopted.class, v);
    assertEquals(BANK3, a.lifecycle());
    assertEquals(Optional.of(Members.range(3)), a.lifecycle().members(0));
    assertEquals(Optional.of(300L), a.lifecycle().expectedTotal(0));
    assertEquals(Optional.empty(), noGenesis().members(0));
    assertEquals(Optional.empty(), BANK3.members(1), "an epoch not read yet");
  }

  @Test
  void when_the_known_genesis_arrives_again_then_nothing_changes() {
    assertEquals(new GenesisVerdict.Same(), BANK3.onGenesis(genesis(3)));
  }

  @Test
  void when_a_different_genesis_arrives_then_it_is_rejected_as_a_conflict() {
    BankGenesis other = genesis(3);
    other.setTotal(999L);
    GenesisVerdict.Rejected r =
        assertInstanceOf(GenesisVerdict.Rejected.class, BANK3.onGenesis(other));
    assertEquals(QuarantineReason.GENESIS_CONFLICT, r.reason());
    assertEquals(
        "the bank's genesis is already known (3 nodes, total 300); this one names 3 nodes, total"
            + " 999",
        r.detail());
  }

  @Test
  void when_a_genesis_names_no_node_then_it_is_rejected_as_invalid() {
    GenesisVerdict.Rejected r =
        assertInstanceOf(GenesisVerdict.Rejected.class, BANK3.onGenesis(genesis(0)));
    assertEquals(QuarantineReason.INVALID_GENESIS, r.reason());
  }

  @Test
  void when_the_timeout_is_not_positive_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> SnapshotLifecycle.of(0));
  }
}
