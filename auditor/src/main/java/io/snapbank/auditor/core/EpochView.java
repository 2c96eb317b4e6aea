package io.snapbank.auditor.core;

import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.epoch.EpochMoney;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bank's epochs as the auditor knows them: the genesis (epoch 0) and each entry of the epoch
 * log it has read, with the members and the total money every snapshot of that epoch must conserve.
 * Immutable.
 */
public record EpochView(SortedMap<Long, Entry> entries) {
  /**
   * One epoch.
   *
   * @param incarnation the epoch of the last restore at or before it (0: none)
   * @param expectedTotal the money a snapshot of this epoch must account for
   * @param restoredSnapshot for a RESTORE, the snapshot it rolled back to (-1 otherwise)
   */
  public record Entry(
      long epoch,
      long incarnation,
      EpochKind kind,
      List<Integer> members,
      long expectedTotal,
      long startedAtMs,
      String requestedBy,
      String reason,
      long restoredSnapshot) {
    public Entry {
      members = List.copyOf(members);
    }
  }

  public EpochView {
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("an epoch view starts at the genesis");
    }
  }

  /** A bank at its genesis: epoch 0, nodes 0..N-1, the genesis total. */
  public static EpochView genesis(BankGenesis g) {
    List<Integer> members = new java.util.ArrayList<>();
    for (int i = 0; i < g.getNodes(); i++) {
      members.add(i);
    }
    TreeMap<Long, Entry> m = new TreeMap<>();
    m.put(
        0L,
        new Entry(0, 0, EpochKind.GENESIS, members, g.getTotal(), g.getCreatedAtMs(), "", "", -1));
    return new EpochView(m);
  }

  /**
   * This view with epoch-log entry {@code e} added (the same epoch again replaces nothing). Its
   * expected total is the restored cut's for a RESTORE, otherwise the total of the epoch before
   * plus the money the change brought in, minus the money it took out.
   */
  public EpochView with(BankEpoch e) {
    if (entries.containsKey(e.getEpoch())) {
      return this;
    }
    Entry before = at(e.getEpoch());
    long total = EpochMoney.totalAfter(before.expectedTotal(), e);
    TreeMap<Long, Entry> m = new TreeMap<>(entries);
    m.put(
        e.getEpoch(),
        new Entry(
            e.getEpoch(),
            e.getIncarnation(),
            e.getKind(),
            e.getMembers(),
            total,
            e.getCreatedAtMs(),
            e.getRequestedBy(),
            e.getReason(),
            e.getRestore() == null ? -1 : e.getRestore().getSnapshotId()));
    return new EpochView(m);
  }

  /** The latest epoch known. */
  public Entry current() {
    return entries.get(entries.lastKey());
  }

  /** The entry in force at {@code epoch} (the latest at or before it). */
  public Entry at(long epoch) {
    SortedMap<Long, Entry> upTo = epoch == Long.MAX_VALUE ? entries : entries.headMap(epoch + 1);
    return upTo.isEmpty() ? entries.get(entries.firstKey()) : upTo.get(upTo.lastKey());
  }

  /** Whether a restore lies after {@code from} and at or before {@code to}. */
  public boolean restoredBetween(long from, long to) {
    return at(to).incarnation() > from;
  }
}
