package io.snapbank.auditor.core;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Assembly state of one global snapshot: which nodes have reported. Pure and immutable; each
 * event returns an {@link Acceptance} and {@link #with(int)} the next state.
 *
 * <pre>
 * state     event                          result        next
 * PENDING   report of a new node (not last) ACCEPTED      PENDING
 * PENDING   report of the last missing node COMPLETED     COMPLETE
 * PENDING   report of a node already in     DUPLICATE     PENDING
 * any       report of a node outside 0..N-1 UNKNOWN_NODE  unchanged
 * PENDING   timeout                         -             ABORTED
 * COMPLETE  any report                      LATE          COMPLETE
 * ABORTED   any report                      LATE          ABORTED
 * </pre>
 */
public record SnapshotAssembly(long snapshotId, int nodes, Status status, SortedSet<Integer> reported) {
  /** Where a snapshot stands. */
  public enum Status {
    PENDING,
    COMPLETE,
    ABORTED
  }

  public SnapshotAssembly {
    reported = Collections.unmodifiableSortedSet(new TreeSet<>(reported));
  }

  public static SnapshotAssembly pending(long snapshotId, int nodes) {
    return new SnapshotAssembly(snapshotId, nodes, Status.PENDING, new TreeSet<>());
  }

  /** What a report of {@code node} would do in this state. */
  public Acceptance offer(int node) {
    if (status != Status.PENDING) {
      return Acceptance.LATE;
    }
    if (node < 0 || node >= nodes) {
      return Acceptance.UNKNOWN_NODE;
    }
    if (reported.contains(node)) {
      return Acceptance.DUPLICATE;
    }
    return reported.size() + 1 == nodes ? Acceptance.COMPLETED : Acceptance.ACCEPTED;
  }

  /** The state after an accepted report of {@code node}. */
  public SnapshotAssembly with(int node) {
    Acceptance a = offer(node);
    if (a != Acceptance.ACCEPTED && a != Acceptance.COMPLETED) {
      return this;
    }
    TreeSet<Integer> next = new TreeSet<>(reported);
    next.add(node);
    return new SnapshotAssembly(snapshotId, nodes, a == Acceptance.COMPLETED ? Status.COMPLETE : Status.PENDING, next);
  }

  /** The state after a timeout: ABORTED if still pending. */
  public SnapshotAssembly timedOut() {
    return status == Status.PENDING ? new SnapshotAssembly(snapshotId, nodes, Status.ABORTED, reported) : this;
  }

  /** Nodes that have not reported, ascending. */
  public SortedSet<Integer> missing() {
    TreeSet<Integer> m = new TreeSet<>();
    for (int i = 0; i < nodes; i++) {
      if (!reported.contains(i)) {
        m.add(i);
      }
    }
    return m;
  }
}
