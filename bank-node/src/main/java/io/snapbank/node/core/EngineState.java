package io.snapbank.node.core;

import java.util.List;
import java.util.SortedMap;

/**
 * Everything a {@link SnapshotEngine} needs to continue after a restart: sequence counters, the
 * offset after the last record consumed per incoming channel, open snapshots and remembered
 * finished ids. Collected messages are not part of it.
 */
public record EngineState(
    int nodeId,
    SortedMap<Integer, Long> outSeq,
    SortedMap<Integer, Long> inSeq,
    SortedMap<Integer, Long> inNextOffset,
    List<OpenSnapshotState> open,
    List<Long> finished) {

  /** A snapshot recording on this node, with the node's counters at the recording moment. */
  public record OpenSnapshotState(
      long snapshotId,
      long requestedAtMs,
      long recordedAtMs,
      SortedMap<String, Long> balances,
      List<ChannelRecordingState> channels,
      SortedMap<Integer, ChannelCounters> sent,
      SortedMap<Integer, ChannelCounters> received) {}

  /**
   * One incoming channel of an open snapshot; {@code markerOffset} is -1 until closed, {@code
   * seqBefore} is the last sequence number accepted on the channel when recording began.
   */
  public record ChannelRecordingState(
      int from,
      boolean closed,
      long firstOffset,
      long markerOffset,
      long seqBefore,
      long count,
      long sum) {}
}
