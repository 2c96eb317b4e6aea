package io.snapbank.node.kafka;

import io.snapbank.node.core.Handled;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.core.TransferResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what a node's process did, from the results its core returns; kept apart from the protocol
 * state and reset when the process starts. Transfers sent, made locally and credited count once
 * their transaction committed: they are held as pending until {@link #committed} and dropped by
 * {@link #rewound}. What is not a count (clients opened, commit times, lag) goes to the node's
 * {@link NodeProbe}. Used from the loop thread only.
 */
final class NodeMetrics {
  private final NodeProbe probe;
  private final EnumMap<QuarantineReason, Long> quarantined = new EnumMap<>(QuarantineReason.class);
  private long sent;
  private long local;
  private long credits;
  private long pendingSent;
  private long pendingLocal;
  private long pendingCredits;
  private long rejected;
  private long ignoredMarkers;
  private long snapshots;
  private long snapshotsAborted;
  private long commits;
  private long aborts;
  private long resumes;

  NodeMetrics(NodeProbe probe) {
    this.probe = probe;
  }

  /** The probe that receives what is not counted here. */
  NodeProbe probe() {
    return probe;
  }

  void handled(Handled h) {
    switch (h) {
      case CREDITED -> pendingCredits++;
      case MARKER_IGNORED -> ignoredMarkers++;
      case ABORT_APPLIED -> snapshotsAborted++;
      default -> {}
    }
  }

  void transfer(TransferResult r) {
    switch (r) {
      case SENT -> pendingSent++;
      case LOCAL -> pendingLocal++;
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

  /** The open transaction committed, its commit taking {@code nanos}. */
  void committed(long nanos) {
    probe.committed(nanos);
    commits++;
    sent += pendingSent;
    local += pendingLocal;
    credits += pendingCredits;
    rewound();
  }

  void aborted() {
    aborts++;
  }

  /** The coordinator aborted a transaction and the node took itself back. */
  void resumed() {
    resumes++;
  }

  /** The work since the last commit was abandoned: it does not count. */
  void rewound() {
    pendingSent = 0;
    pendingLocal = 0;
    pendingCredits = 0;
  }

  /** The figures as of the last commit. */
  NodeStats stats() {
    Map<String, Long> q = new TreeMap<>();
    quarantined.forEach((k, v) -> q.put(k.name(), v));
    return new NodeStats(
        sent,
        local,
        rejected,
        credits,
        q,
        ignoredMarkers,
        snapshots,
        snapshotsAborted,
        commits,
        aborts,
        resumes);
  }
}
