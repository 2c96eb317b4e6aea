package io.snapbank.node.kafka;

import io.snapbank.node.core.EngineState;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.ChannelRecording;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.OpenSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Maps a node's in-memory state to its {@link NodeCheckpoint} record and back. Pure. */
final class CheckpointCodec {
  private CheckpointCodec() {}

  static NodeCheckpoint encode(
      EngineState engine,
      SortedMap<String, Long> balances,
      Map<String, Long> counters,
      long transaction,
      long nowMs) {
    List<OpenSnapshot> open = new ArrayList<>();
    for (EngineState.OpenSnapshotState s : engine.open()) {
      List<ChannelRecording> chans = new ArrayList<>();
      for (EngineState.ChannelRecordingState c : s.channels()) {
        chans.add(
            new ChannelRecording(
                c.from(), c.closed(), c.firstOffset(), c.markerOffset(), c.count(), c.sum()));
      }
      open.add(
          new OpenSnapshot(
              s.snapshotId(), s.requestedAtMs(), s.recordedAtMs(), balances(s.balances()), chans));
    }
    return new NodeCheckpoint(
        engine.nodeId(),
        transaction,
        balances(balances),
        keysToString(engine.outSeq()),
        keysToString(engine.inSeq()),
        keysToString(engine.inNextOffset()),
        open,
        new ArrayList<>(engine.finished()),
        new HashMap<>(counters),
        nowMs);
  }

  static EngineState engineState(NodeCheckpoint c) {
    List<EngineState.OpenSnapshotState> open = new ArrayList<>();
    for (OpenSnapshot s : c.getOpenSnapshots()) {
      List<EngineState.ChannelRecordingState> chans = new ArrayList<>();
      for (ChannelRecording r : s.getChannels()) {
        chans.add(
            new EngineState.ChannelRecordingState(
                r.getFromNode(),
                r.getClosed(),
                r.getFirstOffset(),
                r.getMarkerOffset(),
                r.getCount(),
                r.getSum()));
      }
      open.add(
          new EngineState.OpenSnapshotState(
              s.getSnapshotId(),
              s.getRequestedAtMs(),
              s.getRecordedAtMs(),
              balanceMap(s.getBalances()),
              chans));
    }
    return new EngineState(
        c.getNodeId(),
        keysToInt(c.getOutSeq()),
        keysToInt(c.getInSeq()),
        keysToInt(c.getInNextOffset()),
        open,
        new ArrayList<>(c.getFinishedSnapshots()));
  }

  static SortedMap<String, Long> balanceMap(List<AccountBalance> list) {
    SortedMap<String, Long> m = new TreeMap<>();
    for (AccountBalance b : list) {
      m.put(b.getAccount(), b.getBalance());
    }
    return m;
  }

  static List<AccountBalance> balances(Map<String, Long> m) {
    List<AccountBalance> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(m).entrySet()) {
      out.add(new AccountBalance(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static Map<String, Long> keysToString(Map<Integer, Long> m) {
    Map<String, Long> out = new HashMap<>();
    m.forEach((k, v) -> out.put(Integer.toString(k), v));
    return out;
  }

  private static SortedMap<Integer, Long> keysToInt(Map<String, Long> m) {
    SortedMap<Integer, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(Integer.parseInt(k.toString()), v));
    return out;
  }
}
