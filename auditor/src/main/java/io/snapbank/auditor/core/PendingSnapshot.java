package io.snapbank.auditor.core;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotAbort;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A snapshot whose reports are being collected: the reports held so far, one per node, when the
 * auditor first saw the snapshot (its timeout counts from then) and when it was requested. While
 * the bank's size is not known (no genesis yet), reports of any non-negative node id are held and
 * the snapshot cannot complete. Immutable.
 *
 * @param firstSeenMs when the auditor first saw the snapshot's request or a report, wall-clock ms
 * @param requestedAtMs the earliest request time seen, or 0 when no request was seen
 * @param reports the reports held, by node id
 */
public record PendingSnapshot(
    long snapshotId,
    long firstSeenMs,
    long requestedAtMs,
    SortedMap<Integer, LocalSnapshotReport> reports)
    implements SnapshotState {
  /** The bank's size while its genesis is not known. */
  public static final int UNKNOWN_SIZE = Integer.MAX_VALUE;

  public PendingSnapshot {
    reports = Collections.unmodifiableSortedMap(new TreeMap<>(reports));
    requestedAtMs = Math.max(0, requestedAtMs);
  }

  /** A snapshot first seen at {@code atMs}, requested at {@code requestedAtMs} (0: unknown). */
  public static PendingSnapshot opened(long snapshotId, long atMs, long requestedAtMs) {
    return new PendingSnapshot(snapshotId, atMs, requestedAtMs, new TreeMap<>());
  }

  /** The nodes that have reported, ascending. */
  public SortedSet<Integer> reported() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(reports.keySet()));
  }

  /** Nodes of a bank of {@code nodes} that have not reported (none while the size is unknown). */
  public SortedSet<Integer> missing(int nodes) {
    TreeSet<Integer> m = new TreeSet<>();
    if (nodes == UNKNOWN_SIZE) {
      return m;
    }
    for (int i = 0; i < nodes; i++) {
      if (!reports.containsKey(i)) {
        m.add(i);
      }
    }
    return m;
  }

  /** Reported node ids outside {@code 0..nodes-1}. */
  public SortedSet<Integer> outside(int nodes) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int i : reports.keySet()) {
      if (i < 0 || i >= nodes) {
        out.add(i);
      }
    }
    return out;
  }

  /** What a report of {@code node} would do in a bank of {@code nodes}, without doing it. */
  public Acceptance offer(int node, int nodes) {
    if (node < 0 || node >= nodes) {
      return Acceptance.UNKNOWN_NODE;
    }
    if (reports.containsKey(node)) {
      return Acceptance.DUPLICATE;
    }
    return reports.size() + 1 == nodes ? Acceptance.COMPLETED : Acceptance.ACCEPTED;
  }

  /** Whether the snapshot has been pending for the timeout or longer at {@code nowMs}. */
  public boolean timedOut(long nowMs, long timeoutMs) {
    return nowMs - firstSeenMs >= timeoutMs;
  }

  @Override
  public Transition on(SnapshotEvent event, SnapshotLifecycle lifecycle) {
    if (event instanceof SnapshotEvent.Requested r) {
      return Transition.to(withRequest(r.requestedAtMs()));
    }
    if (event instanceof SnapshotEvent.Reported r) {
      return onReport(r, lifecycle);
    }
    if (event instanceof SnapshotEvent.GenesisKnown g) {
      return onGenesis(g.atMs(), lifecycle);
    }
    if (event instanceof SnapshotEvent.Tick t) {
      return timedOut(t.atMs(), lifecycle.timeoutMs())
          ? abort(t.atMs(), lifecycle, timeoutReason(lifecycle), null)
          : stay();
    }
    if (event instanceof SnapshotEvent.EpochStarted e) {
      if (!reports.isEmpty() && heldEpoch() >= e.epoch()) {
        return stay();
      }
      long from = reports.isEmpty() ? e.epoch() - 1 : heldEpoch();
      AbortReason reason = lifecycle.leftBehind(from, e.epoch());
      return abort(e.atMs(), lifecycle, reason, "the bank entered epoch " + e.epoch());
    }
    return Transition.to(
        this,
        new Effect.RejectInput(
            QuarantineReason.UNMATCHED_DEEP_AUDIT,
            "deep audit of snapshot " + snapshotId + ", which is still pending"));
  }

  /** The same snapshot with a request at {@code at} seen: the earliest known request time wins. */
  PendingSnapshot withRequest(long at) {
    long requested = Math.max(0, at);
    if (requestedAtMs > 0 && (requested <= 0 || requestedAtMs < requested)) {
      requested = requestedAtMs;
    }
    return requested == requestedAtMs
        ? this
        : new PendingSnapshot(snapshotId, firstSeenMs, requested, reports);
  }

  /** The epoch of the held reports (they all share one). */
  long heldEpoch() {
    return reports.values().iterator().next().getEpoch();
  }

  private Transition onReport(SnapshotEvent.Reported event, SnapshotLifecycle lifecycle) {
    LocalSnapshotReport r = event.report();
    if (r.getEpoch() < lifecycle.currentEpoch()) {
      return Transition.to(this, new Effect.Ignore(Acceptance.SUPERSEDED));
    }
    if (!reports.isEmpty() && r.getEpoch() != heldEpoch()) {
      long lo = Math.min(r.getEpoch(), heldEpoch());
      long hi = Math.max(r.getEpoch(), heldEpoch());
      return abort(
          event.atMs(),
          lifecycle,
          lifecycle.leftBehind(lo, hi),
          "node "
              + r.getNodeId()
              + " recorded it in epoch "
              + r.getEpoch()
              + ", others in "
              + heldEpoch());
    }
    int node = r.getNodeId();
    int nodes = lifecycle.bankSize();
    Acceptance a = offer(node, nodes);
    switch (a) {
      case UNKNOWN_NODE:
        return Transition.to(
            this,
            new Effect.RejectInput(
                QuarantineReason.UNKNOWN_NODE,
                "report of node "
                    + node
                    + " for snapshot "
                    + snapshotId
                    + (nodes == UNKNOWN_SIZE
                        ? ": a node id is never negative"
                        : "; the bank has nodes 0.." + (nodes - 1))));
      case DUPLICATE:
        return Transition.to(this, new Effect.Ignore(Acceptance.DUPLICATE));
      default:
        TreeMap<Integer, LocalSnapshotReport> held = new TreeMap<>(reports);
        held.put(node, r);
        PendingSnapshot next = new PendingSnapshot(snapshotId, firstSeenMs, requestedAtMs, held);
        return a == Acceptance.COMPLETED ? next.complete(event.atMs(), lifecycle) : stay(next);
    }
  }

  private Transition onGenesis(long atMs, SnapshotLifecycle lifecycle) {
    int nodes = lifecycle.bankSize();
    List<Effect> effects = new ArrayList<>();
    TreeMap<Integer, LocalSnapshotReport> kept = new TreeMap<>(reports);
    for (int node : outside(nodes)) {
      effects.add(
          new Effect.RejectHeld(
              kept.remove(node),
              QuarantineReason.UNKNOWN_NODE,
              "report of node "
                  + node
                  + " for snapshot "
                  + snapshotId
                  + ", held until the genesis arrived; the bank has "
                  + nodes
                  + " nodes"));
    }
    PendingSnapshot next = new PendingSnapshot(snapshotId, firstSeenMs, requestedAtMs, kept);
    if (nodes != UNKNOWN_SIZE && kept.size() == nodes) {
      Transition done = next.complete(atMs, lifecycle);
      effects.addAll(done.effects());
      return new Transition(done.next(), effects);
    }
    return new Transition(Optional.of(next), effects);
  }

  private Transition complete(long atMs, SnapshotLifecycle lifecycle) {
    long epoch = heldEpoch();
    EpochView.Entry at = lifecycle.epochs().orElseThrow().at(epoch);
    AuditReport audited =
        AuditRules.audit(
            snapshotId,
            reports.values(),
            lifecycle.genesis().orElseThrow().getNodes(),
            at.expectedTotal(),
            requestedAtMs,
            atMs);
    AuditReport report =
        AuditReport.newBuilder(audited)
            .setEpoch(epoch)
            .setIncarnation(reports.values().iterator().next().getIncarnation())
            .build();
    return Transition.to(
        new FinishedSnapshot(snapshotId, atMs, report),
        new Effect.Publish(report, Effect.Verdict.COMPLETED));
  }

  private static AbortReason timeoutReason(SnapshotLifecycle lifecycle) {
    return lifecycle.genesis().isEmpty()
        ? AbortReason.TIMED_OUT_WITHOUT_GENESIS
        : AbortReason.TIMED_OUT;
  }

  private Transition abort(
      long atMs, SnapshotLifecycle lifecycle, AbortReason reason, String because) {
    int nodes = lifecycle.genesis().map(g -> g.getNodes()).orElse(0);
    long total = lifecycle.genesis().map(g -> g.getTotal()).orElse(0L);
    AuditReport aborted =
        AuditRules.aborted(snapshotId, reports.values(), nodes, total, requestedAtMs, atMs);
    String why =
        reason
            + ": "
            + (because != null
                ? because
                : "not complete within "
                    + lifecycle.timeoutMs()
                    + " ms; "
                    + (nodes == 0
                        ? "the bank's genesis is not known"
                        : "missing nodes " + aborted.getMissingNodes()));
    AuditReport report =
        AuditReport.newBuilder(aborted)
            .setAbortReason(reason.name())
            .setEpoch(reports.isEmpty() ? lifecycle.currentEpoch() : heldEpoch())
            .setProblems(
                because == null
                    ? aborted.getProblems()
                    : new ArrayList<>(List.of("ABORTED: " + why)))
            .build();
    return Transition.to(
        new FinishedSnapshot(snapshotId, atMs, report),
        new Effect.Abort(new SnapshotAbort(snapshotId, why, atMs), reason),
        new Effect.Publish(report, Effect.Verdict.ABORTED));
  }

  private Transition stay() {
    return Transition.to(this);
  }

  private static Transition stay(PendingSnapshot next) {
    return Transition.to(next);
  }
}
