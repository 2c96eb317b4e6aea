package io.snapbank.node.codec;

import io.snapbank.node.core.AccountRef;
import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelOrder;
import io.snapbank.node.core.EngineState;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeMode;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.OrderState;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.ChannelCount;
import io.snapbank.schemas.ChannelRecording;
import io.snapbank.schemas.CutAccount;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.OpenSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Maps a node's {@link NodeState} to its {@link NodeCheckpoint} record and back, losslessly. Pure.
 * Checkpoints written before channel counters existed decode with zero counters, and their transfer
 * id counter is read from the old {@code counters} map.
 */
public final class CheckpointCodec {
  private static final String OLD_TRANSFER_COUNTER = "transferId";

  private CheckpointCodec() {}

  /** The checkpoint of {@code state} as of committed transaction number {@code transaction}. */
  public static NodeCheckpoint encode(NodeState state, long transaction, long nowMs) {
    EngineState engine = state.engine();
    List<OpenSnapshot> open = new ArrayList<>();
    for (EngineState.OpenSnapshotState s : engine.open()) {
      List<ChannelRecording> chans = new ArrayList<>();
      for (EngineState.ChannelRecordingState c : s.channels()) {
        chans.add(
            new ChannelRecording(
                c.from().node(),
                c.closed(),
                c.firstOffset(),
                c.markerOffset(),
                c.count(),
                c.sum(),
                c.seqBefore(),
                c.from().index(),
                c.expectedCount()));
      }
      open.add(
          new OpenSnapshot(
              s.snapshotId(),
              s.requestedAtMs(),
              s.recordedAtMs(),
              balances(s.balances()),
              chans,
              counts(s.sent()),
              counts(s.received())));
    }
    return NodeCheckpoint.newBuilder()
        .setNodeId(state.nodeId())
        .setTransaction(transaction)
        .setBalances(balances(state.balances()))
        .setOutSeq(keysToString(engine.outSeq()))
        .setInSeq(keysToString(engine.inSeq()))
        .setInNextOffset(keysToString(engine.inNextOffset()))
        .setOpenSnapshots(open)
        .setFinishedSnapshots(new ArrayList<>(engine.finished()))
        .setCounters(new HashMap<>())
        .setWrittenAtMs(nowMs)
        .setSent(counts(state.sent()))
        .setReceived(counts(state.received()))
        .setLastTransferId(state.lastTransferId())
        .setEpoch(state.epoch())
        .setIncarnation(state.incarnation())
        .setClosedIn(laneZero(engine.closedIn()))
        .setClosedOut(laneZero(engine.closedOut()))
        .setClosedInLanes(lanesAbove0(engine.closedIn()))
        .setClosedOutLanes(lanesAbove0(engine.closedOut()))
        .setChannelOrder(engine.order().order().name())
        .setColour(engine.order().colour())
        .setColourFloor(engine.order().floor())
        .setInSeqAhead(ahead(engine.order().ahead()))
        .setMode(state.mode().name())
        .setHeirs(cutAccounts(state.heirs()))
        .build();
  }

  /** The state a checkpoint holds. */
  public static NodeState decode(NodeCheckpoint c) {
    List<EngineState.OpenSnapshotState> open = new ArrayList<>();
    for (OpenSnapshot s : c.getOpenSnapshots()) {
      List<EngineState.ChannelRecordingState> chans = new ArrayList<>();
      for (ChannelRecording r : s.getChannels()) {
        chans.add(
            new EngineState.ChannelRecordingState(
                new Lane(r.getFromNode(), r.getLane()),
                r.getClosed(),
                r.getFirstOffset(),
                r.getMarkerOffset(),
                r.getSeqBefore(),
                r.getCount(),
                r.getSum(),
                r.getExpectedCount()));
      }
      open.add(
          new EngineState.OpenSnapshotState(
              s.getSnapshotId(),
              s.getRequestedAtMs(),
              s.getRecordedAtMs(),
              balanceMap(s.getBalances()),
              chans,
              counterMap(s.getSent()),
              counterMap(s.getReceived())));
    }
    EngineState engine =
        new EngineState(
            c.getNodeId(),
            keysToInt(c.getOutSeq()),
            keysToInt(c.getInSeq()),
            keysToInt(c.getInNextOffset()),
            open,
            new ArrayList<>(c.getFinishedSnapshots()),
            lanes(c.getClosedIn(), c.getClosedInLanes()),
            lanes(c.getClosedOut(), c.getClosedOutLanes()),
            new OrderState(
                ChannelOrder.valueOf(c.getChannelOrder()),
                c.getColour(),
                c.getColourFloor(),
                ahead(c.getInSeqAhead())));
    long lastTransferId =
        c.getLastTransferId() >= 0
            ? c.getLastTransferId()
            : c.getCounters().getOrDefault(OLD_TRANSFER_COUNTER, 0L);
    return new NodeState(
        c.getNodeId(),
        balanceMap(c.getBalances()),
        engine,
        counterMap(c.getSent()),
        counterMap(c.getReceived()),
        lastTransferId,
        c.getEpoch(),
        c.getIncarnation(),
        NodeMode.valueOf(c.getMode()),
        heirs(c.getHeirs()));
  }

  private static List<CutAccount> cutAccounts(List<AccountRef> refs) {
    List<CutAccount> out = new ArrayList<>();
    refs.forEach(r -> out.add(new CutAccount(r.nodeId(), r.account(), 0L)));
    return out;
  }

  /** The accounts a list of {@link CutAccount}s names (balances unused). */
  public static List<AccountRef> heirs(List<CutAccount> list) {
    List<AccountRef> out = new ArrayList<>();
    list.forEach(a -> out.add(new AccountRef(a.getNodeId(), a.getAccount())));
    return out;
  }

  public static SortedMap<String, Long> balanceMap(List<AccountBalance> list) {
    SortedMap<String, Long> m = new TreeMap<>();
    for (AccountBalance b : list) {
      m.put(b.getAccount(), b.getBalance());
    }
    return m;
  }

  public static List<AccountBalance> balances(Map<String, Long> m) {
    List<AccountBalance> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(m).entrySet()) {
      out.add(new AccountBalance(e.getKey(), e.getValue()));
    }
    return out;
  }

  static List<ChannelCount> counts(Map<Integer, ChannelCounters> m) {
    List<ChannelCount> out = new ArrayList<>();
    m.forEach((peer, c) -> out.add(new ChannelCount(peer, c.count(), c.sum())));
    return out;
  }

  static SortedMap<Integer, ChannelCounters> counterMap(List<ChannelCount> list) {
    SortedMap<Integer, ChannelCounters> m = new TreeMap<>();
    for (ChannelCount c : list) {
      m.put(c.getPeer(), new ChannelCounters(c.getCount(), c.getSum()));
    }
    return m;
  }

  private static Map<String, Long> keysToString(Map<Lane, Long> m) {
    Map<String, Long> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k.label(), v));
    return out;
  }

  private static SortedMap<Lane, Long> keysToInt(Map<String, Long> m) {
    SortedMap<Lane, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(Lane.parse(k), v));
    return out;
  }

  private static Map<String, List<Long>> ahead(SortedMap<Lane, SortedSet<Long>> m) {
    Map<String, List<Long>> out = new HashMap<>();
    m.forEach((l, s) -> out.put(l.label(), new ArrayList<>(s)));
    return out;
  }

  private static SortedMap<Lane, SortedSet<Long>> ahead(Map<String, List<Long>> m) {
    SortedMap<Lane, SortedSet<Long>> out = new TreeMap<>();
    m.forEach((l, s) -> out.put(Lane.parse(l), new TreeSet<>(s)));
    return out;
  }

  private static List<Integer> laneZero(Set<Lane> lanes) {
    List<Integer> out = new ArrayList<>();
    lanes.stream().filter(l -> l.index() == 0).forEach(l -> out.add(l.node()));
    return out;
  }

  private static List<String> lanesAbove0(Set<Lane> lanes) {
    List<String> out = new ArrayList<>();
    lanes.stream().filter(l -> l.index() > 0).forEach(l -> out.add(l.label()));
    return out;
  }

  private static TreeSet<Lane> lanes(List<Integer> laneZero, List<String> above0) {
    TreeSet<Lane> out = new TreeSet<>();
    laneZero.forEach(n -> out.add(Lane.of(n)));
    above0.forEach(l -> out.add(Lane.parse(l)));
    return out;
  }
}
