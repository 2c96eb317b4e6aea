package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** One node's completed part of a global snapshot: recorded balances and its incoming channels. */
public record LocalSnapshot(
    long snapshotId,
    int nodeId,
    long requestedAtMs,
    long recordedAtMs,
    long completedAtMs,
    SortedMap<String, Long> balances,
    List<ChannelSnapshot> channels) {
  public LocalSnapshot {
    balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    channels = List.copyOf(channels);
  }

  /** Sum of recorded balances plus the money recorded in flight on the incoming channels. */
  public long total() {
    long total = 0;
    for (long b : balances.values()) {
      total += b;
    }
    for (ChannelSnapshot c : channels) {
      total += c.sum();
    }
    return total;
  }
}
