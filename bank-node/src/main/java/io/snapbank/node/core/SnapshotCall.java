package io.snapbank.node.core;

import java.util.List;

/**
 * A request for global snapshot {@code snapshotId}, taken in {@code epoch}. Nodes in {@code
 * initiators} record on sight (empty: every node does); {@link #ANY_EPOCH} lets each node take it
 * in the epoch it is in.
 */
public record SnapshotCall(
    long snapshotId, List<Integer> initiators, long epoch, long requestedAtMs) {
  /** The request names no epoch. */
  public static final long ANY_EPOCH = -1;

  public SnapshotCall {
    initiators = List.copyOf(initiators);
    if (epoch < ANY_EPOCH) {
      throw new IllegalArgumentException("epoch " + epoch + " below " + ANY_EPOCH);
    }
  }

  /** A request that names no epoch. */
  public static SnapshotCall anyEpoch(long snapshotId, List<Integer> initiators, long at) {
    return new SnapshotCall(snapshotId, initiators, ANY_EPOCH, at);
  }

  /** Whether {@code node} records on sight. */
  boolean initiates(int node) {
    return initiators.isEmpty() || initiators.contains(node);
  }
}
