package io.snapbank.auditor.core;

import static io.snapbank.auditor.core.LifecycleFixtures.after;
import static io.snapbank.auditor.core.LifecycleFixtures.bank;
import static io.snapbank.auditor.core.LifecycleFixtures.genesis;
import static io.snapbank.auditor.core.LifecycleFixtures.noGenesis;
import static io.snapbank.auditor.core.LifecycleFixtures.reported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The assembly of one snapshot's reports: which report is accepted, completes, or is ignored. */
class PendingSnapshotTest {
  private static final SnapshotLifecycle BANK3 = bank(3);

  private static Transition report(SnapshotLifecycle l, SnapshotState s, int node, int nodes) {
    return l.apply(Optional.of(s), reported(s.snapshotId(), node, nodes, 2_000));
  }

  @Test
  void when_a_new_node_reports_and_others_are_missing_then_accepted_and_still_pending() {
    PendingSnapshot opened = PendingSnapshot.opened(5, 0, 0);
    assertEquals(Acceptance.ACCEPTED, opened.offer(1, Members.range(3)));
    Transition s = report(BANK3, opened, 1, 3);
    PendingSnapshot next = assertInstanceOf(PendingSnapshot.class, s.next().orElseThrow());
    assertEquals(Set.of(1), next.reported());
    assertEquals(new TreeSet<>(List.of(0, 2)), next.missing(Members.range(3)));
    assertEquals(List.of(), s.effects());
  }

  @Test
  void when_the_last_missing_node_reports_then_completed() {
    PendingSnapshot a = (PendingSnapshot) after(BANK3, 5, 3, 0, 2);
    assertEquals(Acceptance.COMPLETED, a.offer(1, Members.range(3)));
    Transition s = report(BANK3, a, 1, 3);
    FinishedSnapshot done = assertInstanceOf(FinishedSnapshot.class, s.next().orElseThrow());
    assertEquals(AuditStatus.CONSISTENT, done.report().getStatus());
    assertTrue(done.report().getMissingNodes().isEmpty());
  }

  @Test
  void when_a_single_node_bank_gets_its_report_then_completed_at_once() {
    assertEquals(Acceptance.COMPLETED, PendingSnapshot.opened(1, 0, 0).offer(0, Members.range(1)));
    assertInstanceOf(FinishedSnapshot.class, after(bank(1), 1, 1, 0));
  }

  @Test
  void when_a_node_reports_twice_then_duplicate_and_state_unchanged() {
    SnapshotState a = after(BANK3, 5, 3, 0);
    Transition s = report(BANK3, a, 0, 3);
    assertEquals(List.of(new Effect.Ignore(Acceptance.DUPLICATE)), s.effects());
    assertSame(a, s.next().orElseThrow());
  }

  @Test
  void when_a_node_outside_the_bank_reports_then_unknown_node_and_state_unchanged() {
    PendingSnapshot a = PendingSnapshot.opened(5, 0, 0);
    assertEquals(Acceptance.UNKNOWN_NODE, a.offer(3, Members.range(3)));
    assertEquals(Acceptance.UNKNOWN_NODE, a.offer(-1, Members.range(3)));
    Transition s = report(BANK3, a, 7, 3);
    assertSame(a, s.next().orElseThrow());
    assertEquals(
        QuarantineReason.UNKNOWN_NODE, s.effects(Effect.RejectInput.class).get(0).reason());
  }

  @Test
  void when_a_report_arrives_after_completion_or_abort_then_late() {
    SnapshotState complete = after(bank(1), 5, 1, 0);
    assertEquals(
        List.of(new Effect.Ignore(Acceptance.LATE)), report(bank(1), complete, 0, 1).effects());
    SnapshotState pending = after(BANK3, 6, 3, 0);
    SnapshotState aborted =
        BANK3
            .apply(
                Optional.of(pending), new SnapshotEvent.Tick(1_000 + LifecycleFixtures.TIMEOUT_MS))
            .next()
            .orElseThrow();
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, aborted);
    assertEquals(AuditStatus.ABORTED, f.report().getStatus());
    assertEquals(
        List.of(new Effect.Ignore(Acceptance.LATE)), report(BANK3, aborted, 1, 3).effects());
    assertEquals(
        List.of(new Effect.Ignore(Acceptance.LATE)),
        report(BANK3, aborted, 9, 3).effects(),
        "late wins over unknown once finished");
    assertEquals(List.of(1, 2), f.report().getMissingNodes());
  }

  @Test
  void when_a_finished_snapshot_times_out_then_nothing_changes() {
    SnapshotState complete = after(bank(1), 5, 1, 0);
    Transition t = bank(1).apply(Optional.of(complete), new SnapshotEvent.Tick(Long.MAX_VALUE));
    assertSame(complete, t.next().orElseThrow());
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_offer_is_asked_then_it_predicts_without_changing_state() {
    PendingSnapshot a = (PendingSnapshot) after(bank(2), 5, 2, 0);
    assertEquals(Acceptance.COMPLETED, a.offer(1, Members.range(2)));
    assertEquals(Acceptance.DUPLICATE, a.offer(0, Members.range(2)));
    assertEquals(Set.of(0), a.reported());
  }

  @Test
  void when_the_size_becomes_known_then_outside_reports_are_dropped_and_a_full_set_completes() {
    SnapshotLifecycle unknown = noGenesis();
    Optional<SnapshotState> held = Optional.empty();
    for (int n : List.of(0, 1, 4, 2)) {
      Transition s = unknown.apply(held, reported(5, n, 3, 1_000));
      assertEquals(List.of(), s.effects(), "no completion while the size is unknown");
      assertInstanceOf(PendingSnapshot.class, s.next().orElseThrow());
      held = s.next();
    }
    PendingSnapshot p = (PendingSnapshot) held.orElseThrow();
    assertEquals(
        Acceptance.ACCEPTED,
        p.offer(9, Optional.empty()),
        "any node is held while the members are not known");
    assertTrue(p.missing(Members.NONE).isEmpty(), "no node can be named missing then");
    assertEquals(Set.of(4), p.outside(Members.range(3)));
    Transition sized = BANK3.apply(held, new SnapshotEvent.GenesisKnown(3_000));
    FinishedSnapshot done = assertInstanceOf(FinishedSnapshot.class, sized.next().orElseThrow());
    assertEquals(3, done.report().getNodes().size());
    assertEquals(
        List.of(4),
        sized.effects(Effect.RejectHeld.class).stream().map(e -> e.report().getNodeId()).toList());
    Transition bigger = bank(5).apply(held, new SnapshotEvent.GenesisKnown(3_000));
    PendingSnapshot still = assertInstanceOf(PendingSnapshot.class, bigger.next().orElseThrow());
    assertEquals(Set.of(3), still.missing(Members.range(5)));
    assertFalse(bigger.effects().stream().anyMatch(e -> e instanceof Effect.Publish));
  }

  @Test
  void when_a_bank_has_no_nodes_then_rejected() {
    assertInstanceOf(GenesisVerdict.Rejected.class, noGenesis().onGenesis(genesis(0)));
  }
}
