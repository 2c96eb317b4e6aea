package io.snapbank.node.core;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's part of a restore: the bank switches to epoch {@code epoch} starting from verified
 * snapshot {@code snapshotId}, taken at {@code cut}. The node's balances become {@code balances}
 * plus exactly the transfers recorded in flight on its incoming channels ({@code incoming}),
 * replayed in channel order.
 */
public record RestorePlan(
    long epoch,
    long snapshotId,
    ChannelRule.Epochs cut,
    SortedMap<String, Long> balances,
    List<ChannelRange> incoming) {
  public RestorePlan {
    balances = Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    incoming = List.copyOf(incoming);
  }
}
