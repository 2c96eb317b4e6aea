package io.snapbank.auditor.core;

import static io.snapbank.auditor.core.EpochFixtures.change;
import static io.snapbank.auditor.core.LifecycleFixtures.TIMEOUT_MS;
import static io.snapbank.auditor.core.LifecycleFixtures.bank;
import static io.snapbank.auditor.core.LifecycleFixtures.report;
import static io.snapbank.auditor.core.LifecycleFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Snapshots across membership changes: each covers the members of its epoch and conserves its
 * epoch's total, and one a change of members ends is retried in the new epoch.
 */
class MembershipLifecycleTest {
  private static final SnapshotLifecycle BANK3 = bank(3);
  private static final Members JOINED = Members.of(0, 1, 2, 5);
  private static final BankEpoch JOIN5 = change(1, EpochKind.JOIN, 5, JOINED.list(), 250, 0);
  private static final SnapshotLifecycle AFTER_JOIN = BANK3.withEpoch(JOIN5).orElseThrow();

  private static SnapshotEvent.Reported reported(LocalSnapshotReport r) {
    return new SnapshotEvent.Reported(r, 1_000);
  }

  /** Reports of snapshot 7 in {@code epoch} by {@code members}, each holding {@code balance}. */
  private static SnapshotEvent[] everyone(Members members, long epoch, long... balances) {
    List<SnapshotEvent> out = new ArrayList<>();
    int i = 0;
    for (int node : members.ids()) {
      out.add(reported(report(7, node, members, epoch, balances[i++])));
    }
    return out.toArray(new SnapshotEvent[0]);
  }

  private static AuditReport published(Transition t) {
    return t.effects(Effect.Publish.class).get(0).report();
  }

  private static SnapshotEvent.Requested requested(long epoch, List<Integer> initiators) {
    return new SnapshotEvent.Requested(7, new RequestTerms(500, epoch, initiators, -1), 1_000);
  }

  /** Snapshot 7's request of {@code epoch}, then {@code reports}: the usual order. */
  private static SnapshotEvent[] requestedThen(long epoch, SnapshotEvent... reports) {
    List<SnapshotEvent> out = new ArrayList<>(List.of(requested(epoch, List.of())));
    out.addAll(List.of(reports));
    return out.toArray(new SnapshotEvent[0]);
  }

  @Test
  void when_an_epoch_starts_while_a_full_cut_of_the_last_waits_for_its_request_then_it_completes() {
    Transition waiting = run(BANK3, Optional.empty(), everyone(Members.range(3), 0, 100, 100, 100));
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, waiting.next().orElseThrow());
    assertEquals(List.of(), waiting.effects(), "the request is not read yet");

    Transition t = AFTER_JOIN.apply(Optional.of(p), new SnapshotEvent.EpochStarted(1, 2_000));
    assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    AuditReport r = published(t);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(0, r.getEpoch(), "a cut of the epoch its reports were recorded in");
    assertEquals(List.of(0, 1, 2), r.getMembers());
    assertEquals(-1, r.getRetryOf(), "its terms are unknown");
    assertEquals(List.of(), t.effects(Effect.Retry.class), "nothing to retry");
    assertEquals(List.of(), t.effects(Effect.Abort.class), "nothing aborted");
  }

  @Test
  void when_a_node_joins_then_a_snapshot_of_its_epoch_covers_it_and_counts_its_deposits() {
    Transition t =
        run(
            AFTER_JOIN,
            Optional.empty(),
            requestedThen(1, everyone(JOINED, 1, 100, 100, 100, 250)));
    AuditReport r = published(t);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(550, r.getExpectedTotal(), "the genesis 300 and the 250 node 5 brought in");
    assertEquals(List.of(0, 1, 2, 5), r.getMembers());
    assertEquals(1, r.getEpoch());
    assertEquals(12, r.getChannels().size(), "every ordered pair of the four members");

    Transition three =
        run(
            AFTER_JOIN,
            Optional.empty(),
            requestedThen(1, everyone(Members.range(3), 1, 100, 100, 100)));
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, three.next().orElseThrow());
    assertEquals(List.of(5), List.copyOf(p.missing(JOINED)), "the new node is awaited");
  }

  @Test
  void when_a_joined_node_channel_is_not_recorded_then_the_violation_names_it() {
    SnapshotEvent[] reports = everyone(JOINED, 1, 100, 100, 100, 250);
    LocalSnapshotReport r0 = report(7, 0, Members.range(3), 1, 100); // no channel 5->0
    reports[0] = reported(r0);
    AuditReport r = published(run(AFTER_JOIN, Optional.empty(), requestedThen(1, reports)));
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(
        List.of("CHANNEL_MISSING: channel 5->0 not recorded"), r.getProblems(), "only that");
  }

  @Test
  void when_money_entered_but_the_snapshot_misses_it_then_conservation_fails() {
    AuditReport r =
        published(
            run(
                AFTER_JOIN,
                Optional.empty(),
                requestedThen(1, everyone(JOINED, 1, 100, 100, 100, 0))));
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(-250, r.getDifference());
    assertEquals(List.of(ViolationReason.CONSERVATION), AuditRules.reasons(r));
  }

  @Test
  void when_epochs_change_the_money_then_each_epoch_expects_its_own_total() {
    BankEpoch leave = change(2, EpochKind.LEAVE, 1, JOINED.list(), 0, 100);
    BankEpoch restore = EpochFixtures.restore(3, List.of(0, 1, 2), 300);
    BankEpoch join = change(4, EpochKind.JOIN, 6, List.of(0, 1, 2, 6), 10, 0);
    EpochView v = EpochView.genesis(LifecycleFixtures.genesis(3));
    for (BankEpoch e : List.of(JOIN5, leave, restore, join)) {
      v = v.with(e);
    }
    assertEquals(300, v.at(0).expectedTotal());
    assertEquals(550, v.at(1).expectedTotal(), "+ money in");
    assertEquals(450, v.at(2).expectedTotal(), "- money out");
    assertEquals(300, v.at(3).expectedTotal(), "a restore: its cut's total");
    assertEquals(310, v.at(4).expectedTotal());
  }

  @Test
  void when_a_node_is_leaving_then_it_is_still_covered_with_its_channels_and_no_money() {
    BankEpoch leave = change(1, EpochKind.LEAVE, 1, List.of(0, 1, 2), 0, 0);
    SnapshotLifecycle l = BANK3.withEpoch(leave).orElseThrow();
    Transition t =
        run(l, Optional.empty(), requestedThen(1, everyone(Members.range(3), 1, 150, 0, 150)));
    AuditReport r = published(t);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(0, r.getNodes().get(1).getBalancesTotal(), "drained");
    assertEquals(6, r.getChannels().size(), "the leaving node's channels are covered too");
    Transition without =
        run(
            l,
            Optional.empty(),
            requested(1, List.of()),
            reported(report(7, 0, Members.range(3), 1, 150)),
            reported(report(7, 2, Members.range(3), 1, 150)),
            new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    assertEquals(List.of(1), published(without).getMissingNodes(), "the leaving node is awaited");
  }

  @Test
  void when_a_node_has_left_then_the_members_with_a_gap_are_covered_and_it_is_unknown() {
    Members left = Members.of(0, 2, 3);
    SnapshotLifecycle l =
        bank(4).withEpoch(change(1, EpochKind.LEFT, 1, left.list(), 0, 0)).orElseThrow();
    AuditReport r =
        published(run(l, Optional.empty(), requestedThen(1, everyone(left, 1, 100, 150, 150))));
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(List.of(0, 2, 3), r.getMembers());
    assertEquals(6, r.getChannels().size());

    Transition gone = l.apply(Optional.empty(), reported(report(7, 1, left, 1, 0)));
    assertEquals(Optional.empty(), gone.next());
    assertEquals(
        "report of node 1 for snapshot 7; the members of epoch 1 are [0, 2, 3]",
        gone.effects(Effect.RejectInput.class).get(0).detail());

    SnapshotEvent[] stale = everyone(left, 1, 100, 150, 150);
    stale[0] = reported(report(7, 0, Members.of(0, 1, 2, 3), 1, 100)); // still hears from 1
    AuditReport v = published(run(l, Optional.empty(), requestedThen(1, stale)));
    assertEquals(List.of(ViolationReason.CHANNEL_UNKNOWN), AuditRules.reasons(v));
  }

  @Test
  void when_reports_of_an_epoch_not_read_yet_come_then_they_are_held_until_it_is_read() {
    List<SnapshotEvent> early =
        new ArrayList<>(List.of(requestedThen(1, everyone(JOINED, 1, 100, 100, 100, 250))));
    early.add(reported(report(7, 9, JOINED, 1, 10)));
    Transition held = run(BANK3, Optional.empty(), early.toArray(new SnapshotEvent[0]));
    assertEquals(List.of(), held.effects(), "held: neither complete nor rejected");
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, held.next().orElseThrow());
    assertEquals(List.of(0, 1, 2, 5, 9), List.copyOf(p.reported()));

    Transition read = AFTER_JOIN.apply(held.next(), new SnapshotEvent.EpochStarted(1, 3_000));
    Effect.RejectHeld rejected = read.effects(Effect.RejectHeld.class).get(0);
    assertEquals(9, rejected.report().getNodeId());
    assertEquals(QuarantineReason.UNKNOWN_NODE, rejected.reason());
    AuditReport r = published(read);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(550, r.getExpectedTotal());
    assertEquals(3_000, r.getCompletedAtMs());
  }

  @Test
  void when_an_epoch_is_read_and_members_are_missing_then_the_held_reports_stay_pending() {
    Transition held = run(BANK3, Optional.empty(), reported(report(7, 5, JOINED, 1, 250)));
    Transition read = AFTER_JOIN.apply(held.next(), new SnapshotEvent.EpochStarted(1, 3_000));
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, read.next().orElseThrow());
    assertEquals(List.of(0, 1, 2), List.copyOf(p.missing(JOINED)));
    assertEquals(List.of(), read.effects());
  }

  @Test
  void when_an_unseen_request_names_an_epoch_already_left_then_it_ends_aborted_and_is_retried() {
    Transition t = AFTER_JOIN.apply(Optional.empty(), requested(0, List.of(1, 2)));
    FinishedSnapshot f = assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    assertEquals(AuditStatus.ABORTED, f.report().getStatus());
    assertEquals("EPOCH_CHANGED", f.report().getAbortReason());
    assertEquals(0, f.report().getEpoch());
    assertEquals(List.of(0, 1, 2), f.report().getMembers());
    assertEquals(
        List.of(Effect.Abort.class, Effect.Publish.class, Effect.Retry.class),
        t.effects().stream().map(Object::getClass).toList());
    assertEquals(new Effect.Retry(7, 1, List.of(1, 2)), t.effects(Effect.Retry.class).get(0));
  }

  @Test
  void when_a_request_names_the_epoch_being_entered_then_the_epoch_start_keeps_it_pending() {
    Optional<SnapshotState> early = BANK3.apply(Optional.empty(), requested(1, List.of())).next();
    PendingSnapshot p = assertInstanceOf(PendingSnapshot.class, early.orElseThrow());
    assertEquals(1, p.epoch(0), "the epoch its request names");
    Transition t = AFTER_JOIN.apply(early, new SnapshotEvent.EpochStarted(1, 2_000));
    assertEquals(early, t.next());
    assertEquals(List.of(), t.effects());

    Optional<SnapshotState> current =
        BANK3.apply(Optional.empty(), requested(RequestTerms.ANY_EPOCH, List.of())).next();
    Transition ended = AFTER_JOIN.apply(current, new SnapshotEvent.EpochStarted(1, 2_000));
    assertEquals("EPOCH_CHANGED", published(ended).getAbortReason(), "it counted as epoch 0");
  }

  @Test
  void when_a_change_of_members_aborts_a_snapshot_then_it_is_retried_by_the_initiators_left() {
    Members left = Members.of(0, 2);
    SnapshotLifecycle l =
        BANK3.withEpoch(change(1, EpochKind.LEFT, 1, left.list(), 0, 0)).orElseThrow();
    Optional<SnapshotState> pending =
        run(BANK3, Optional.empty(), requested(0, List.of(1, 2)), reported(report(7, 0, 3))).next();
    Transition t = l.apply(pending, new SnapshotEvent.EpochStarted(1, 6_000));
    assertEquals(AbortReason.EPOCH_CHANGED, t.effects(Effect.Abort.class).get(0).reason());
    assertEquals(List.of(new Effect.Retry(7, 1, List.of(2))), t.effects(Effect.Retry.class));
    AuditReport r = published(t);
    assertEquals(300, r.getExpectedTotal(), "the epoch's total");
    assertEquals(List.of(1, 2), r.getMissingNodes(), "members of its epoch that did not report");

    Optional<SnapshotState> only1 = BANK3.apply(Optional.empty(), requested(0, List.of(1))).next();
    Transition none = l.apply(only1, new SnapshotEvent.EpochStarted(1, 6_000));
    assertEquals(
        List.of(new Effect.Retry(7, 1, List.of())),
        none.effects(Effect.Retry.class),
        "no initiator left: every node initiates");
  }

  @Test
  void when_reports_of_two_epochs_meet_then_the_snapshot_is_aborted_and_retried() {
    Transition t =
        run(
            BANK3,
            Optional.empty(),
            reported(report(7, 0, 3)),
            reported(report(7, 1, JOINED, 1, 100)));
    assertEquals(AbortReason.EPOCH_CHANGED, t.effects(Effect.Abort.class).get(0).reason());
    assertEquals(1, t.effects(Effect.Retry.class).size());
  }

  @Test
  void when_a_restore_or_the_timeout_aborts_a_snapshot_then_it_is_not_retried() {
    BankEpoch restore = EpochFixtures.restore(1, List.of(0, 1, 2), 300);
    SnapshotLifecycle restored = BANK3.withEpoch(restore).orElseThrow();
    Optional<SnapshotState> pending = BANK3.apply(Optional.empty(), requested(0, List.of())).next();
    Transition superseded = restored.apply(pending, new SnapshotEvent.EpochStarted(1, 6_000));
    assertEquals("SUPERSEDED", published(superseded).getAbortReason());
    assertEquals(List.of(), superseded.effects(Effect.Retry.class));
    Transition unseen = restored.apply(Optional.empty(), requested(0, List.of()));
    assertEquals("SUPERSEDED", published(unseen).getAbortReason());
    assertEquals(List.of(), unseen.effects(Effect.Retry.class));

    Transition timedOut = BANK3.apply(pending, new SnapshotEvent.Tick(1_000 + TIMEOUT_MS));
    assertEquals("TIMED_OUT", published(timedOut).getAbortReason());
    assertEquals(List.of(), timedOut.effects(Effect.Retry.class));
  }

  @Test
  void when_a_retry_completes_or_is_aborted_then_its_report_names_the_snapshot_it_retries() {
    SnapshotEvent.Requested retry =
        new SnapshotEvent.Requested(8, new RequestTerms(500, 1, List.of(), 7), 1_000);
    List<SnapshotEvent> events = new ArrayList<>(List.of(retry));
    events.addAll(List.of(everyone(JOINED, 1, 100, 100, 100, 250)));
    AuditReport done =
        published(run(AFTER_JOIN, Optional.empty(), events.toArray(new SnapshotEvent[0])));
    assertEquals(7, done.getRetryOf());

    SnapshotLifecycle again =
        AFTER_JOIN
            .withEpoch(change(2, EpochKind.JOIN, 6, List.of(0, 1, 2, 5, 6), 1, 0))
            .orElseThrow();
    Transition t =
        again.apply(
            AFTER_JOIN.apply(Optional.empty(), retry).next(),
            new SnapshotEvent.EpochStarted(2, 2_000));
    assertEquals(7, published(t).getRetryOf());
    assertEquals(List.of(new Effect.Retry(8, 2, List.of())), t.effects(Effect.Retry.class));
    assertTrue(published(t).getProblems().get(0).contains("the bank entered epoch 2"));
  }
}
