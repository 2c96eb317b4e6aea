package io.snapbank.auditor.core;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Assembly state of one global snapshot: which of the bank's {@code nodes} nodes (ids {@code
 * 0..nodes-1}) have reported. Pure and immutable: each event returns a {@link Step}, the {@link
 * Acceptance} of the event and the next state.
 *
 * <pre>
 * state     event                            result        next
 * PENDING   report of a new node, not last    ACCEPTED      PENDING  (node added)
 * PENDING   report of the last missing node   COMPLETED     COMPLETE (node added)
 * PENDING   report of a node already in       DUPLICATE     PENDING  (unchanged)
 * PENDING   report of a node outside 0..N-1   UNKNOWN_NODE  PENDING  (unchanged)
 * PENDING   timeout                           -             ABORTED
 * COMPLETE  any report                        LATE          COMPLETE
 * ABORTED   any report                        LATE          ABORTED
 * COMPLETE  timeout                           -             COMPLETE
 * ABORTED   timeout                           -             ABORTED
 * </pre>
 *
 * <p>While the bank's size is not known yet, use {@link #UNKNOWN_SIZE}: reports of any non-negative
 * node id are accepted and the snapshot cannot complete; {@link #resized(int)} then applies the
 * real size.
 */
public record SnapshotAssembly(
    long snapshotId, int nodes, Status status, SortedSet<Integer> reported) {
  /** Size to use while the bank's genesis (and so N) is not known. */
  public static final int UNKNOWN_SIZE = Integer.MAX_VALUE;

  /** Where a snapshot stands. */
  public enum Status {
    PENDING,
    COMPLETE,
    ABORTED
  }

  /** The outcome of one event: what happened and the state after it. */
  public record Step(Acceptance result, SnapshotAssembly next) {}

  public SnapshotAssembly {
    if (nodes < 1) {
      throw new IllegalArgumentException("a bank has at least one node, got " + nodes);
    }
    if (status == null) {
      throw new IllegalArgumentException("status is required");
    }
    reported = Collections.unmodifiableSortedSet(new TreeSet<>(reported));
  }

  /** A snapshot no node has reported yet. */
  public static SnapshotAssembly pending(long snapshotId, int nodes) {
    return new SnapshotAssembly(snapshotId, nodes, Status.PENDING, new TreeSet<>());
  }

  /** What a report of {@code node} would do in this state, without doing it. */
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

  /** The event "node {@code node} reported". */
  public Step report(int node) {
    Acceptance a = offer(node);
    if (a != Acceptance.ACCEPTED && a != Acceptance.COMPLETED) {
      return new Step(a, this);
    }
    TreeSet<Integer> next = new TreeSet<>(reported);
    next.add(node);
    Status s = a == Acceptance.COMPLETED ? Status.COMPLETE : Status.PENDING;
    return new Step(a, new SnapshotAssembly(snapshotId, nodes, s, next));
  }

  /** The event "the snapshot timed out": ABORTED if still pending, otherwise unchanged. */
  public SnapshotAssembly timedOut() {
    return status == Status.PENDING
        ? new SnapshotAssembly(snapshotId, nodes, Status.ABORTED, reported)
        : this;
  }

  /**
   * The same reports for a bank of {@code n} nodes, once its size is known: reports of nodes
   * outside {@code 0..n-1} are dropped (see {@link #outside(int)}), and a pending snapshot with
   * every node in is COMPLETE.
   */
  public SnapshotAssembly resized(int n) {
    TreeSet<Integer> kept = new TreeSet<>(reported.headSet(n));
    kept.removeIf(i -> i < 0);
    Status s = status == Status.PENDING && kept.size() == n ? Status.COMPLETE : status;
    return new SnapshotAssembly(snapshotId, n, s, kept);
  }

  /** Reported node ids outside {@code 0..n-1}. */
  public SortedSet<Integer> outside(int n) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int i : reported) {
      if (i < 0 || i >= n) {
        out.add(i);
      }
    }
    return out;
  }

  public boolean isPending() {
    return status == Status.PENDING;
  }

  public boolean isComplete() {
    return status == Status.COMPLETE;
  }

  /** Nodes that have not reported, ascending (empty while the size is unknown). */
  public SortedSet<Integer> missing() {
    TreeSet<Integer> m = new TreeSet<>();
    if (nodes == UNKNOWN_SIZE) {
      return m;
    }
    for (int i = 0; i < nodes; i++) {
      if (!reported.contains(i)) {
        m.add(i);
      }
    }
    return m;
  }
}
