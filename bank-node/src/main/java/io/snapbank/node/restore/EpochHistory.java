package io.snapbank.node.restore;

import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The bank's epoch log as read: every entry by epoch number, and the genesis (epoch 0) members.
 * Immutable.
 */
public final class EpochHistory {
  private final TreeMap<Long, BankEpoch> epochs = new TreeMap<>();
  private final List<Integer> genesisMembers;

  public EpochHistory(List<Integer> genesisMembers, List<BankEpoch> entries) {
    this.genesisMembers = List.copyOf(genesisMembers);
    for (BankEpoch e : entries) {
      epochs.put(e.getEpoch(), e);
    }
  }

  /** The latest epoch (0 when the log is empty). */
  public long current() {
    return epochs.isEmpty() ? 0 : epochs.lastKey();
  }

  /** The epoch of the last restore at or before {@code epoch} (0 for none). */
  public long incarnationAt(long epoch) {
    BankEpoch e = entryAt(epoch);
    return e == null ? 0 : e.getIncarnation();
  }

  /** The members in {@code epoch}. */
  public List<Integer> membersAt(long epoch) {
    BankEpoch e = entryAt(epoch);
    return e == null ? genesisMembers : List.copyOf(e.getMembers());
  }

  /** Every entry, oldest first. */
  public List<BankEpoch> entries() {
    return new ArrayList<>(epochs.values());
  }

  /** The restores, oldest first. */
  public List<BankEpoch> restores() {
    return epochs.values().stream().filter(e -> e.getKind() == EpochKind.RESTORE).toList();
  }

  private BankEpoch entryAt(long epoch) {
    NavigableMap<Long, BankEpoch> upTo = epochs.headMap(epoch, true);
    return upTo.isEmpty() ? null : upTo.lastEntry().getValue();
  }
}
