package io.snapbank.node.codec;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelSnapshot;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Maps the core's snapshot and bank values to the records that carry them, and back. Pure. */
public final class ReportCodec {
  private ReportCodec() {}

  /** The report of a node's completed local snapshot. */
  public static LocalSnapshotReport report(LocalSnapshot s) {
    List<ChannelState> chans = new ArrayList<>();
    for (ChannelSnapshot c : s.channels()) {
      chans.add(
          new ChannelState(
              c.from(),
              c.to(),
              c.firstOffset(),
              c.markerOffset(),
              c.count(),
              c.sum(),
              c.seqBefore(),
              c.lane(),
              c.colourBelow()));
    }
    return new LocalSnapshotReport(
        s.snapshotId(),
        s.nodeId(),
        s.requestedAtMs(),
        s.recordedAtMs(),
        s.completedAtMs(),
        CheckpointCodec.balances(s.balances()),
        chans,
        CheckpointCodec.counts(s.sent()),
        CheckpointCodec.counts(s.received()),
        s.epoch(),
        s.incarnation());
  }

  /** The local snapshot a report carries. */
  public static LocalSnapshot snapshot(LocalSnapshotReport r) {
    List<ChannelSnapshot> chans = new ArrayList<>();
    for (ChannelState c : r.getChannels()) {
      chans.add(
          new ChannelSnapshot(
              c.getFromNode(),
              c.getToNode(),
              c.getLane(),
              c.getFirstOffset(),
              c.getMarkerOffset(),
              c.getSeqBefore(),
              c.getCount(),
              c.getSum(),
              List.of(),
              c.getColourBelow()));
    }
    return new LocalSnapshot(
        r.getSnapshotId(),
        r.getNodeId(),
        r.getRequestedAtMs(),
        r.getRecordedAtMs(),
        r.getCompletedAtMs(),
        CheckpointCodec.balanceMap(r.getBalances()),
        chans,
        CheckpointCodec.counterMap(r.getSent()),
        CheckpointCodec.counterMap(r.getReceived()),
        r.getEpoch(),
        r.getIncarnation());
  }

  /** The accounts a genesis opens. */
  public static BankAccounts accounts(BankGenesis genesis) {
    TreeMap<Integer, SortedMap<String, Long>> m = new TreeMap<>();
    for (int n = 0; n < genesis.getNodes(); n++) {
      m.put(n, new TreeMap<>());
    }
    for (GenesisAccount a : genesis.getAccounts()) {
      m.computeIfAbsent(a.getNodeId(), k -> new TreeMap<>()).put(a.getAccount(), a.getBalance());
    }
    return new BankAccounts(m);
  }
}
