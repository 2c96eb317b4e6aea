package io.snapbank.auditor.core;

import static io.snapbank.auditor.core.LifecycleFixtures.after;
import static io.snapbank.auditor.core.LifecycleFixtures.bank;
import static io.snapbank.auditor.core.LifecycleFixtures.report;
import static io.snapbank.auditor.core.LifecycleFixtures.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The epoch rows of {@link SnapshotLifecycle}'s table: restores and membership changes. */
class EpochLifecycleTest {
  private static final SnapshotLifecycle BANK3 = bank(3);

  private static BankEpoch restore(long epoch) {
    return EpochFixtures.restore(epoch, List.of(0, 1, 2), 300);
  }

  private static BankEpoch join(long epoch) {
    return BankEpoch.newBuilder()
        .setEpoch(epoch)
        .setIncarnation(0L)
        .setKind(EpochKind.JOIN)
        .setMembers(List.of(0, 1, 2))
        .setCreatedAtMs(5_000L)
        .build();
  }

  private static LocalSnapshotReport in(long epoch, LocalSnapshotReport r) {
    return LocalSnapshotReport.newBuilder(r).setEpoch(epoch).setIncarnation(epoch).build();
  }

  private static Effect.Abort abortOf(Transition t) {
    return (Effect.Abort)
        t.effects().stream().filter(e -> e instanceof Effect.Abort).findFirst().orElseThrow();
  }

  private static AuditReport published(Transition t) {
    return ((Effect.Publish)
            t.effects().stream().filter(e -> e instanceof Effect.Publish).findFirst().orElseThrow())
        .report();
  }

  @Test
  void when_a_restore_starts_then_a_snapshot_pending_in_the_old_timeline_ends_superseded() {
    SnapshotLifecycle after = BANK3.withEpoch(restore(1)).orElseThrow();
    Transition t =
        after.apply(Optional.of(after(BANK3, 7, 3, 0)), new SnapshotEvent.EpochStarted(1, 6_000));
    assertInstanceOf(FinishedSnapshot.class, t.next().orElseThrow());
    assertEquals(AbortReason.SUPERSEDED, abortOf(t).reason());
    AuditReport r = published(t);
    assertEquals(AuditStatus.ABORTED, r.getStatus());
    assertEquals("SUPERSEDED", r.getAbortReason());
    assertTrue(
        r.getProblems().get(0).contains("the bank entered epoch 1"), r.getProblems().toString());
  }

  @Test
  void when_the_members_change_then_a_pending_snapshot_ends_with_epoch_changed() {
    SnapshotLifecycle after = BANK3.withEpoch(join(1)).orElseThrow();
    Transition t =
        after.apply(Optional.of(after(BANK3, 7, 3, 0)), new SnapshotEvent.EpochStarted(1, 6_000));
    assertEquals(AbortReason.EPOCH_CHANGED, abortOf(t).reason());
  }

  @Test
  void when_every_held_report_is_already_in_the_new_epoch_then_the_snapshot_stays_pending() {
    SnapshotLifecycle after = BANK3.withEpoch(restore(1)).orElseThrow();
    Optional<SnapshotState> held =
        after
            .apply(Optional.empty(), new SnapshotEvent.Reported(in(1, report(7, 0, 3)), 1_000))
            .next();
    Transition t = after.apply(held, new SnapshotEvent.EpochStarted(1, 6_000));
    assertEquals(held, t.next());
    assertEquals(List.of(), t.effects());
  }

  @Test
  void when_a_report_of_an_abandoned_epoch_comes_then_it_is_ignored_as_superseded() {
    SnapshotLifecycle after = BANK3.withEpoch(restore(1)).orElseThrow();
    Transition unseen =
        after.apply(Optional.empty(), new SnapshotEvent.Reported(report(7, 0, 3), 7_000));
    assertEquals(Optional.empty(), unseen.next());
    assertEquals(List.of(new Effect.Ignore(Acceptance.SUPERSEDED)), unseen.effects());
  }

  @Test
  void when_reports_of_one_snapshot_come_from_two_epochs_then_it_is_aborted() {
    Optional<SnapshotState> held =
        BANK3.apply(Optional.empty(), new SnapshotEvent.Reported(report(7, 0, 3), 1_000)).next();
    Transition t = BANK3.apply(held, new SnapshotEvent.Reported(in(1, report(7, 1, 3)), 1_100));
    assertEquals(AuditStatus.ABORTED, published(t).getStatus());
  }

  @Test
  void when_a_snapshot_of_a_restored_epoch_completes_then_its_report_names_the_epoch() {
    SnapshotLifecycle after = BANK3.withEpoch(restore(1)).orElseThrow();
    Optional<SnapshotState> s = after.apply(Optional.empty(), requested(7, 1_000)).next();
    Transition t = null;
    for (int n = 0; n < 3; n++) {
      t = after.apply(s, new SnapshotEvent.Reported(in(1, report(7, n, 3)), 1_000));
      s = t.next();
    }
    AuditReport r = published(t);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(1, r.getEpoch());
    assertEquals(1, r.getIncarnation());
  }

  @Test
  void when_an_epoch_is_known_already_then_it_changes_nothing() {
    SnapshotLifecycle after = BANK3.withEpoch(restore(1)).orElseThrow();
    assertEquals(Optional.empty(), after.withEpoch(restore(1)));
    assertEquals(1, after.currentEpoch());
    assertEquals(300, after.epochs().orElseThrow().at(1).expectedTotal());
  }
}
