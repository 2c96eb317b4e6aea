package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's completed part of a global snapshot: recorded balances, its incoming channels, and per
 * channel the transfers it had sent ({@code sent}, by receiver) and accepted ({@code received}, by
 * sender) when it recorded. For every channel i→j of a consistent cut, what i had sent minus what j
 * had accepted is exactly j's recorded channel state. {@code epoch} and {@code incarnation} say
 * where the node stood in the bank's epoch log when it recorded.
 */
public record LocalSnapshot(
    long snapshotId,
    int nodeId,
    long requestedAtMs,
    long recordedAtMs,
    long completedAtMs,
    SortedMap<String, Long> balances,
    List<ChannelSnapshot> channels,
    SortedMap<Integer, ChannelCounters> sent,
    SortedMap<Integer, ChannelCounters> received,
    long epoch,
    long incarnation) {
  public LocalSnapshot {
    balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    channels = List.copyOf(channels);
    sent = Collections.unmodifiableSortedMap(new TreeMap<>(sent));
    received = Collections.unmodifiableSortedMap(new TreeMap<>(received));
  }

  /** The same snapshot, recorded at {@code epochs}. */
  public LocalSnapshot at(ChannelRule.Epochs epochs) {
    return new LocalSnapshot(
        snapshotId,
        nodeId,
        requestedAtMs,
        recordedAtMs,
        completedAtMs,
        balances,
        channels,
        sent,
        received,
        epochs.epoch(),
        epochs.incarnation());
  }

  /** Where the node stood in the epoch log when it recorded. */
  public ChannelRule.Epochs epochs() {
    return new ChannelRule.Epochs(incarnation, epoch);
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
