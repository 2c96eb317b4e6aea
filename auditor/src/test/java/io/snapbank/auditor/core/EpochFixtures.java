package io.snapbank.auditor.core;

import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.JoiningNode;
import io.snapbank.schemas.LeavingNode;
import io.snapbank.schemas.RestoreCut;
import java.util.List;

/** Entries of the bank's epoch log, for tests. */
public final class EpochFixtures {
  private EpochFixtures() {}

  /**
   * A membership change to {@code members}: JOIN admits {@code node} (bringing {@code moneyIn}),
   * LEAVE drains it and LEFT ends it.
   */
  public static BankEpoch change(
      long epoch, EpochKind kind, int node, List<Integer> members, long moneyIn, long moneyOut) {
    BankEpoch.Builder b =
        BankEpoch.newBuilder()
            .setEpoch(epoch)
            .setIncarnation(0L)
            .setKind(kind)
            .setMembers(members)
            .setCreatedAtMs(5_000L)
            .setMoneyIn(moneyIn)
            .setMoneyOut(moneyOut);
    if (kind == EpochKind.JOIN) {
      b.setJoined(new JoiningNode(node, List.of(), 0L, 0L));
    } else {
      b.setLeaving(new LeavingNode(node, List.of()));
    }
    return b.build();
  }

  /** A restore, in {@code epoch}, of snapshot 3 of epoch 0, whose total was {@code total}. */
  public static BankEpoch restore(long epoch, List<Integer> members, long total) {
    return BankEpoch.newBuilder()
        .setEpoch(epoch)
        .setIncarnation(epoch)
        .setKind(EpochKind.RESTORE)
        .setMembers(members)
        .setCreatedAtMs(5_000L)
        .setRestore(
            RestoreCut.newBuilder()
                .setSnapshotId(3L)
                .setCutEpoch(0L)
                .setCutIncarnation(0L)
                .setExpectedTotal(total)
                .setBalances(List.of())
                .setChannels(List.of())
                .build())
        .build();
  }
}
