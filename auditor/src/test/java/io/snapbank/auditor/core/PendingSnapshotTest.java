package io.snapbank.auditor.core;

import static io.snapbank.auditor.core.LifecycleFixtures.REQUESTED_AT_MS;
import static io.snapbank.auditor.core.LifecycleFixtures.TIMEOUT_MS;
import static io.snapbank.auditor.core.LifecycleFixtures.after;
import static io.snapbank.auditor.core.LifecycleFixtures.bank;
import static io.snapbank.auditor.core.LifecycleFixtures.genesis;
import static io.snapbank.auditor.core.LifecycleFixtures.noGenesis;
import static io.snapbank.auditor.core.LifecycleFixtures.reported;
import static io.snapbank.auditor.core.LifecycleFixtures.requested;
import static io.snapbank.auditor.core.LifecycleFixtures.unrequested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
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
            .apply(Optional.of(pending), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS))
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
    Optional<SnapshotState> held = unknown.apply(Optional.empty(), requested(5, 1_000)).next();
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
  void when_the_request_comes_first_then_the_last_report_completes_it_at_once_with_its_terms() {
    SnapshotState s =
        BANK3
            .apply(
                Optional.empty(),
                new SnapshotEvent.Requested(
                    5, new RequestTerms(800, RequestTerms.ANY_EPOCH, List.of(), 4), 1_000))
            .next()
            .orElseThrow();
    s = report(BANK3, s, 0, 3).next().orElseThrow();
    s = report(BANK3, s, 1, 3).next().orElseThrow();
    assertInstanceOf(PendingSnapshot.class, s);
    Transition t = BANK3.apply(Optional.of(s), reported(5, 2, 3, 2_500));
    FinishedSnapshot done = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    AuditReport r = done.report();
    assertEquals(List.of(new Effect.Publish(r, Effect.Verdict.COMPLETED)), t.effects());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(2_500, r.getCompletedAtMs(), "completed by the last report, when it came");
    assertEquals(800, r.getRequestedAtMs());
    assertEquals(4, r.getRetryOf());
  }

  @Test
  void when_all_reports_arrive_before_the_request_then_it_waits_and_the_request_completes_it() {
    Transition last = report(BANK3, unrequested(BANK3, 5, 3, 0, 1), 2, 3);
    assertEquals(List.of(), last.effects(), "nothing published before the request is read");
    PendingSnapshot waiting = assertInstanceOf(PendingSnapshot.class, last.next().orElseThrow());
    assertEquals(Set.of(0, 1, 2), waiting.reported());
    assertTrue(waiting.missing(Members.range(3)).isEmpty());
    assertFalse(waiting.request().seen());
    Transition early =
        BANK3.apply(Optional.of(waiting), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS - 1));
    assertSame(waiting, early.next().orElseThrow(), "a tick before the timeout changes nothing");
    assertEquals(List.of(), early.effects());

    Transition t =
        BANK3.apply(
            Optional.of(waiting),
            new SnapshotEvent.Requested(
                5, new RequestTerms(800, RequestTerms.ANY_EPOCH, List.of(), 4), 3_000));
    FinishedSnapshot done = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    AuditReport r = done.report();
    assertEquals(List.of(new Effect.Publish(r, Effect.Verdict.COMPLETED)), t.effects());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(4, r.getRetryOf(), "the request's terms");
    assertEquals(800, r.getRequestedAtMs());
    assertEquals(3_000, r.getCompletedAtMs(), "completed when the request was read");
    assertEquals(3_000, done.finishedAtMs());
    assertEquals(List.of(0, 1, 2), r.getMembers());
  }

  @Test
  void when_all_reports_are_in_but_no_request_comes_then_the_timeout_completes_it_terms_unknown() {
    SnapshotState waiting = unrequested(BANK3, 5, 3, 0, 1, 2);
    Transition early =
        BANK3.apply(Optional.of(waiting), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS - 1));
    assertSame(waiting, early.next().orElseThrow());
    assertEquals(List.of(), early.effects());

    Transition t = BANK3.apply(Optional.of(waiting), new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    FinishedSnapshot done = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    AuditReport r = done.report();
    assertEquals(
        List.of(new Effect.Publish(r, Effect.Verdict.COMPLETED)),
        t.effects(),
        "completed, not aborted: the nodes are not told to abort");
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals("", r.getAbortReason());
    assertTrue(r.getMissingNodes().isEmpty());
    assertEquals(-1, r.getRetryOf(), "its terms are unknown");
    assertEquals(REQUESTED_AT_MS, r.getRequestedAtMs(), "the time the reports carry");
    assertEquals(1_000 + TIMEOUT_MS, r.getCompletedAtMs());

    Transition partial =
        BANK3.apply(
            Optional.of(unrequested(BANK3, 6, 3, 0, 1)),
            new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    AuditReport aborted = partial.effects(Effect.Publish.class).get(0).report();
    assertEquals(AuditStatus.ABORTED, aborted.getStatus(), "a missing report still aborts it");
    assertEquals(AbortReason.TIMED_OUT.name(), aborted.getAbortReason());
    assertEquals(List.of(2), aborted.getMissingNodes());
  }

  @Test
  void when_a_bank_has_no_nodes_then_rejected() {
    assertInstanceOf(GenesisVerdict.Rejected.class, noGenesis().onGenesis(genesis(0)));
  }
}
