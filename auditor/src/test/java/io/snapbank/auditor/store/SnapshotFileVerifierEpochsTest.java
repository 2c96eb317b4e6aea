package io.snapbank.auditor.store;

import static io.snapbank.auditor.core.EpochFixtures.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.EpochFixtures;
import io.snapbank.auditor.core.Members;
import io.snapbank.auditor.core.ViolationReason;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored snapshot verified against its epoch: the members and total of the stored epoch log. */
class SnapshotFileVerifierEpochsTest {
  private static final BankEpoch LEFT = change(1, EpochKind.LEFT, 1, List.of(0, 2), 0, 0);

  /** A consistent snapshot of epoch {@code epoch} of {@code members}, 100 each. */
  private static AuditReport snapshot(long id, Members members, long epoch, long total) {
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n : members.ids()) {
      List<ChannelState> chans = new ArrayList<>();
      for (int from : members.ids()) {
        if (from != n) {
          chans.add(new ChannelState(from, n, 3L, 3L, 0L, 0L, -1L, 0, -1L));
        }
      }
      reports.add(
          LocalSnapshotReport.newBuilder()
              .setSnapshotId(id)
              .setNodeId(n)
              .setRecordedAtMs(11L)
              .setCompletedAtMs(12L)
              .setBalances(List.of(new AccountBalance("n" + n + "-a000", 100L)))
              .setChannels(chans)
              .setEpoch(epoch)
              .build());
    }
    return AuditReport.newBuilder(AuditRules.audit(id, reports, members, total, 10, 20))
        .setEpoch(epoch)
        .build();
  }

  @Test
  void when_a_snapshot_of_an_epoch_with_a_gap_in_ids_is_stored_then_it_verifies_against_it(
      @TempDir Path dir) {
    SnapshotStore store = new SnapshotStore(dir, 5);
    store.epoch(LEFT);
    SnapshotFileVerifier.Result ok =
        SnapshotFileVerifier.verify(store.store(snapshot(3, Members.of(0, 2), 1, 200)));
    assertTrue(ok.ok(), ok.problems().toString());
    assertEquals(200, ok.expectedTotal());
  }

  @Test
  void when_a_member_is_cut_out_of_the_file_then_the_stored_epoch_log_still_names_it(
      @TempDir Path dir) {
    SnapshotStore store = new SnapshotStore(dir, 5);
    store.epoch(LEFT);
    AuditReport forged = snapshot(4, Members.of(0), 1, 100);
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(store.store(forged));
    assertFalse(r.ok());
    assertTrue(
        r.problems().contains("the report names members [0] but epoch 1 has [0, 2]"),
        r.problems().toString());
    assertTrue(r.problems().contains("node 2 has no figure (the file's nodes are [0])"));
    assertTrue(r.reasons().contains(ViolationReason.CHANNEL_MISSING), r.problems().toString());

    AuditReport stranger = snapshot(5, Members.of(0, 1, 2), 1, 300);
    SnapshotFileVerifier.Result s = SnapshotFileVerifier.verify(store.store(stranger));
    assertTrue(
        s.problems().contains("node 1 is not a member of epoch 1 ([0, 2])"),
        s.problems().toString());
  }

  @Test
  void when_the_epoch_log_tells_the_total_then_the_snapshot_must_account_for_it(@TempDir Path dir) {
    SnapshotStore store = new SnapshotStore(dir, 5);
    store.epoch(EpochFixtures.restore(1, List.of(0, 2), 200));
    store.epoch(change(2, EpochKind.JOIN, 5, List.of(0, 2, 5), 100, 0));
    Members joined = Members.of(0, 2, 5);
    assertTrue(SnapshotFileVerifier.verify(store.store(snapshot(6, joined, 2, 300))).ok());
    AuditReport missesDeposits = snapshot(7, Members.of(0, 2, 5), 2, 200);
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(store.store(missesDeposits));
    assertEquals(300, r.expectedTotal());
    assertTrue(
        r.problems().contains("the report expects a total of 200 but epoch 2 has 300"),
        r.problems().toString());
  }

  @Test
  void when_no_epoch_log_is_stored_then_the_report_members_or_its_figures_decide(@TempDir Path dir)
      throws IOException {
    Path gap = new SnapshotStore(dir, 5).store(snapshot(8, Members.of(0, 2), 1, 200));
    assertTrue(SnapshotFileVerifier.verify(gap).ok(), "the members the report names");
    AuditReport old = snapshot(9, Members.range(2), 0, 200);
    old.setMembers(List.of());
    SnapshotFileVerifier.Result legacy =
        SnapshotFileVerifier.verify(new SnapshotStore(dir, 5).store(old));
    assertTrue(legacy.ok(), "a report naming no members: nodes 0..N-1 " + legacy.problems());

    Files.writeString(dir.resolve(StoredEpochs.FILE), "{not json");
    SnapshotFileVerifier.Result broken = SnapshotFileVerifier.verify(gap);
    assertFalse(broken.ok());
    assertTrue(
        broken.problems().get(0).startsWith("the epoch log beside it cannot be read"),
        broken.problems().toString());
  }

  @Test
  void when_the_epoch_log_is_read_back_then_members_and_totals_follow_the_entries(@TempDir Path dir)
      throws IOException {
    new SnapshotStore(dir, 5).epoch(LEFT);
    StoredEpochs e = StoredEpochs.read(dir);
    assertEquals(Optional.empty(), e.members(0), "the genesis is not stored");
    assertEquals(Optional.of(Members.of(0, 2)), e.members(1));
    assertEquals(Optional.of(Members.of(0, 2)), e.members(7), "in force until the next change");
    assertEquals(Optional.empty(), e.expectedTotal(1), "no restore: the genesis total is needed");
    assertEquals(StoredEpochs.NONE, StoredEpochs.read(dir.resolve("nothing-here")));
  }
}
