package io.snapbank.node.kafka;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.core.TransferResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what a node's process did, from the results its core returns; kept apart from the protocol
 * state and reset when the process starts. {@link #stats} combines them with the transfer counters
 * of the protocol state. Used from the loop thread only.
 */
final class NodeMetrics {
  private final EnumMap<QuarantineReason, Long> quarantined = new EnumMap<>(QuarantineReason.class);
  private long local;
  private long rejected;
  private long ignoredMarkers;
  private long snapshots;
  private long snapshotsAborted;
  private long commits;
  private long aborts;

  void handled(Handled h) {
    switch (h) {
      case MARKER_IGNORED -> ignoredMarkers++;
      case ABORT_APPLIED -> snapshotsAborted++;
      default -> {}
    }
  }

  void transfer(TransferResult r) {
    switch (r) {
      case LOCAL -> local++;
      case INSUFFICIENT_FUNDS -> rejected++;
      default -> {}
    }
  }

  void quarantined(QuarantineReason reason) {
    quarantined.merge(reason, 1L, Long::sum);
  }

  void snapshotCompleted() {
    snapshots++;
  }

  void committed() {
    commits++;
  }

  void aborted() {
    aborts++;
  }

  /** The figures as of committed state {@code state}. */
  NodeStats stats(NodeState state) {
    Map<String, Long> q = new TreeMap<>();
    quarantined.forEach((k, v) -> q.put(k.name(), v));
    return new NodeStats(
        sum(state.sent()),
        local,
        rejected,
        sum(state.received()),
        q,
        ignoredMarkers,
        snapshots,
        snapshotsAborted,
        commits,
        aborts);
  }

  private static long sum(Map<Integer, ChannelCounters> m) {
    long n = 0;
    for (ChannelCounters c : m.values()) {
      n += c.count();
    }
    return n;
  }
}
