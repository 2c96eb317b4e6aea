package io.snapbank.node.codec;

import io.snapbank.node.core.ChannelRange;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.MembershipChange;
import io.snapbank.node.core.RestorePlan;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.CutAccount;
import io.snapbank.schemas.RestoreCut;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Maps entries of the bank's epoch log to the core's values. Pure. */
public final class EpochCodec {
  private EpochCodec() {}

  /** Node {@code nodeId}'s part of a RESTORE epoch. */
  public static RestorePlan restorePlan(BankEpoch e, int nodeId) {
    RestoreCut cut = e.getRestore();
    if (cut == null) {
      throw new IllegalArgumentException("epoch " + e.getEpoch() + " is not a restore");
    }
    TreeMap<String, Long> balances = new TreeMap<>();
    for (CutAccount a : cut.getBalances()) {
      if (a.getNodeId() == nodeId) {
        balances.put(a.getAccount(), a.getBalance());
      }
    }
    List<ChannelRange> incoming = new ArrayList<>();
    for (ChannelState c : cut.getChannels()) {
      if (c.getToNode() == nodeId) {
        incoming.add(range(c));
      }
    }
    return new RestorePlan(
        e.getEpoch(),
        cut.getSnapshotId(),
        new ChannelRule.Epochs(cut.getCutIncarnation(), cut.getCutEpoch()),
        balances,
        incoming);
  }

  /** The membership change an entry of the epoch log makes, if it is one. */
  public static java.util.Optional<MembershipChange> membershipChange(BankEpoch e) {
    switch (e.getKind()) {
      case JOIN:
        return java.util.Optional.of(
            new MembershipChange.Joined(e.getEpoch(), e.getJoined().getNodeId()));
      case LEAVE:
        return java.util.Optional.of(
            new MembershipChange.Leaving(
                e.getEpoch(),
                e.getLeaving().getNodeId(),
                CheckpointCodec.heirs(e.getLeaving().getHeirs())));
      case LEFT:
        return java.util.Optional.of(
            new MembershipChange.Left(e.getEpoch(), e.getLeaving().getNodeId()));
      default:
        return java.util.Optional.empty();
    }
  }

  /** A recorded channel state as a range to replay. */
  public static ChannelRange range(ChannelState c) {
    return new ChannelRange(
        c.getFromNode(),
        c.getToNode(),
        c.getLane(),
        c.getFirstOffset(),
        c.getMarkerOffset(),
        c.getSeqBefore(),
        c.getCount(),
        c.getSum(),
        c.getColourBelow());
  }
}
