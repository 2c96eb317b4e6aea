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
 * auditor first saw the snapshot (its timeout counts from then) and what its request asked for.
 *
 * <p>The snapshot belongs to one epoch ({@link #epoch}): that of its held reports (they all share
 * one), or of its request while none is held. It covers exactly the members of that epoch. While
 * those are not known (no genesis yet, or an epoch the auditor has not read from the epoch log),
 * reports of any non-negative node id are held and the snapshot cannot complete.
 *
 * <p>It completes when every member has reported and its request has been read: the request names
 * its terms (when it was asked for, a retry of which snapshot), and it reaches the auditor by
 * another path than the reports, so it can come last. A snapshot whose reports are all in but whose
 * request is not read within the timeout completes then, its terms unknown. Immutable.
 *
 * @param firstSeenMs when the auditor first saw the snapshot's request or a report, wall-clock ms
 * @param request what its request asked for ({@link RequestTerms#NONE} when no request was seen)
 * @param reports the reports held, by node id
 */
public record PendingSnapshot(
    long snapshotId,
    long firstSeenMs,
    RequestTerms request,
    SortedMap<Integer, LocalSnapshotReport> reports)
    implements SnapshotState {
  public PendingSnapshot {
    request = request == null ? RequestTerms.NONE : request;
    reports = Collections.unmodifiableSortedMap(new TreeMap<>(reports));
  }

  /** A snapshot first seen at {@code atMs}, requested at {@code requestedAtMs} (0: unknown). */
  public static PendingSnapshot opened(long snapshotId, long atMs, long requestedAtMs) {
    return opened(snapshotId, atMs, RequestTerms.at(requestedAtMs));
  }

  /** A snapshot first seen at {@code atMs}, with what its request asked for. */
  public static PendingSnapshot opened(long snapshotId, long atMs, RequestTerms request) {
    return new PendingSnapshot(snapshotId, atMs, request, new TreeMap<>());
  }

  /** The earliest request time seen, or 0 when no request was seen. */
  public long requestedAtMs() {
    return request.requestedAtMs();
  }

  /**
   * The epoch the snapshot belongs to: its held reports', else the one its request names, else
   * {@code currentEpoch}.
   */
  public long epoch(long currentEpoch) {
    if (!reports.isEmpty()) {
      return heldEpoch();
    }
    return request.epoch() == RequestTerms.ANY_EPOCH ? currentEpoch : request.epoch();
  }

  /** The nodes that have reported, ascending. */
  public SortedSet<Integer> reported() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(reports.keySet()));
  }

  /** The {@code members} that have not reported. */
  public SortedSet<Integer> missing(Members members) {
    TreeSet<Integer> m = new TreeSet<>(members.ids());
    m.removeAll(reports.keySet());
    return m;
  }

  /** Reported node ids that are not {@code members}. */
  public SortedSet<Integer> outside(Members members) {
    TreeSet<Integer> out = new TreeSet<>(reports.keySet());
    out.removeAll(members.ids());
    return out;
  }

  /** What a report of {@code node} would do in an epoch of {@code members}, without doing it. */
  public Acceptance offer(int node, Members members) {
    return offer(node, Optional.of(members));
  }

  /** As {@link #offer(int, Members)}; while the members are not known, any node id ≥ 0 is held. */
  Acceptance offer(int node, Optional<Members> members) {
    if (node < 0 || (members.isPresent() && !members.get().contains(node))) {
      return Acceptance.UNKNOWN_NODE;
    }
    if (reports.containsKey(node)) {
      return Acceptance.DUPLICATE;
    }
    return members.isPresent() && missing(members.get()).equals(new TreeSet<>(List.of(node)))
        ? Acceptance.COMPLETED
        : Acceptance.ACCEPTED;
  }

  /** Whether the snapshot has been pending for the timeout or longer at {@code nowMs}. */
  public boolean timedOut(long nowMs, long timeoutMs) {
    return nowMs - firstSeenMs >= timeoutMs;
  }

  @Override
  public Transition on(SnapshotEvent event, SnapshotLifecycle lifecycle) {
    if (event instanceof SnapshotEvent.Requested r) {
      PendingSnapshot next = withRequest(r.request().inEpoch(lifecycle.currentEpoch()));
      return next.request.seen() && next.allReported(lifecycle)
          ? next.complete(r.atMs(), lifecycle)
          : stay(next);
    }
    if (event instanceof SnapshotEvent.Reported r) {
      return onReport(r, lifecycle);
    }
    if (event instanceof SnapshotEvent.GenesisKnown g) {
      return settle(g.atMs(), lifecycle, "the genesis arrived");
    }
    if (event instanceof SnapshotEvent.Tick t) {
      if (!timedOut(t.atMs(), lifecycle.timeoutMs())) {
        return stay();
      }
      return allReported(lifecycle)
          ? complete(t.atMs(), lifecycle)
          : abort(t.atMs(), lifecycle, timeoutReason(lifecycle), null);
    }
    if (event instanceof SnapshotEvent.EpochStarted e) {
      return onEpoch(e, lifecycle);
    }
    return Transition.to(
        this,
        new Effect.RejectInput(
            QuarantineReason.UNMATCHED_DEEP_AUDIT,
            "deep audit of snapshot " + snapshotId + ", which is still pending"));
  }

  /** The same snapshot with another request seen ({@link RequestTerms#and}). */
  PendingSnapshot withRequest(RequestTerms seen) {
    RequestTerms merged = request.and(seen);
    return merged.equals(request)
        ? this
        : new PendingSnapshot(snapshotId, firstSeenMs, merged, reports);
  }

  /** Whether every member of the snapshot's epoch has reported (false while they are unknown). */
  private boolean allReported(SnapshotLifecycle lifecycle) {
    if (reports.isEmpty()) {
      return false;
    }
    Optional<Members> members = lifecycle.members(heldEpoch());
    return members.isPresent()
        && missing(members.get()).isEmpty()
        && outside(members.get()).isEmpty();
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
    Optional<Members> members = lifecycle.members(r.getEpoch());
    Acceptance a = offer(node, members);
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
                    + (node < 0
                        ? ": a node id is never negative"
                        : "; the members of epoch " + r.getEpoch() + " are " + members.get())));
      case DUPLICATE:
        return Transition.to(this, new Effect.Ignore(Acceptance.DUPLICATE));
      default:
        TreeMap<Integer, LocalSnapshotReport> held = new TreeMap<>(reports);
        held.put(node, r);
        PendingSnapshot next = new PendingSnapshot(snapshotId, firstSeenMs, request, held);
        return a == Acceptance.COMPLETED && next.request.seen()
            ? next.complete(event.atMs(), lifecycle)
            : stay(next);
    }
  }

  /**
   * The bank entered epoch {@code e}: a snapshot of an earlier epoch ends, unless every member of
   * its epoch has reported (it waited only for its request), which completes it; one of {@code e}
   * whose reports were held until its members were known is {@link #settle settled}; one of a later
   * epoch, or requested in {@code e} or later with nothing held, waits.
   */
  private Transition onEpoch(SnapshotEvent.EpochStarted e, SnapshotLifecycle lifecycle) {
    if (!reports.isEmpty() && heldEpoch() < e.epoch() && allReported(lifecycle)) {
      return complete(e.atMs(), lifecycle); // a full cut of its epoch, only its request unread
    }
    if (!reports.isEmpty() && heldEpoch() >= e.epoch()) {
      return settle(e.atMs(), lifecycle, "epoch " + e.epoch() + " was read");
    }
    if (reports.isEmpty() && request.epoch() >= e.epoch()) {
      return stay();
    }
    long from = !reports.isEmpty() ? heldEpoch() : Math.max(request.epoch(), e.epoch() - 1);
    AbortReason reason = lifecycle.leftBehind(from, e.epoch());
    return abort(e.atMs(), lifecycle, reason, "the bank entered epoch " + e.epoch());
  }

  /**
   * Once the members of the snapshot's epoch are known: held reports of other nodes are set aside
   * (they arrived earlier, held until {@code until}), and the snapshot completes if every member
   * has reported. While they are not known, nothing changes.
   */
  private Transition settle(long atMs, SnapshotLifecycle lifecycle, String until) {
    long epoch = epoch(lifecycle.currentEpoch());
    Optional<Members> known = lifecycle.members(epoch);
    if (known.isEmpty()) {
      return stay();
    }
    Members members = known.get();
    List<Effect> effects = new ArrayList<>();
    TreeMap<Integer, LocalSnapshotReport> kept = new TreeMap<>(reports);
    for (int node : outside(members)) {
      effects.add(
          new Effect.RejectHeld(
              kept.remove(node),
              QuarantineReason.UNKNOWN_NODE,
              "report of node "
                  + node
                  + " for snapshot "
                  + snapshotId
                  + ", held until "
                  + until
                  + "; the members of epoch "
                  + epoch
                  + " are "
                  + members));
    }
    PendingSnapshot next = new PendingSnapshot(snapshotId, firstSeenMs, request, kept);
    if (!kept.isEmpty() && next.missing(members).isEmpty() && next.request.seen()) {
      Transition done = next.complete(atMs, lifecycle);
      effects.addAll(done.effects());
      return new Transition(done.next(), effects);
    }
    return new Transition(Optional.of(next), effects);
  }

  private Transition complete(long atMs, SnapshotLifecycle lifecycle) {
    long epoch = heldEpoch();
    AuditReport audited =
        AuditRules.audit(
            snapshotId,
            reports.values(),
            lifecycle.members(epoch).orElseThrow(),
            lifecycle.genesis().orElseThrow().getChannelPartitions(),
            lifecycle.expectedTotal(epoch).orElseThrow(),
            requestedAtMs(),
            atMs);
    AuditReport report =
        AuditReport.newBuilder(audited)
            .setEpoch(epoch)
            .setIncarnation(reports.values().iterator().next().getIncarnation())
            .setRetryOf(request.retryOf())
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

  /**
   * Ends the snapshot ABORTED for {@code reason}, {@code because} of an event (null: it timed out):
   * the nodes are told, the report is published and, when the members changed, the snapshot is
   * requested again in the current epoch.
   */
  Transition abort(long atMs, SnapshotLifecycle lifecycle, AbortReason reason, String because) {
    long epoch = epoch(lifecycle.currentEpoch());
    Optional<Members> members = lifecycle.members(epoch);
    AuditReport aborted =
        AuditRules.aborted(
            snapshotId,
            reports.values(),
            members.orElse(Members.NONE),
            lifecycle.expectedTotal(epoch).orElse(0L),
            requestedAtMs(),
            atMs);
    String why =
        reason
            + ": "
            + (because != null
                ? because
                : "not complete within "
                    + lifecycle.timeoutMs()
                    + " ms; "
                    + (lifecycle.genesis().isEmpty()
                        ? "the bank's genesis is not known"
                        : members.isEmpty()
                            ? "epoch " + epoch + " is not known yet"
                            : "missing nodes " + aborted.getMissingNodes()));
    AuditReport report =
        AuditReport.newBuilder(aborted)
            .setAbortReason(reason.name())
            .setEpoch(epoch)
            .setRetryOf(request.retryOf())
            .setProblems(
                because == null
                    ? aborted.getProblems()
                    : new ArrayList<>(List.of("ABORTED: " + why)))
            .build();
    List<Effect> effects = new ArrayList<>();
    effects.add(new Effect.Abort(new SnapshotAbort(snapshotId, why, atMs), reason));
    effects.add(new Effect.Publish(report, Effect.Verdict.ABORTED));
    if (reason == AbortReason.EPOCH_CHANGED) {
      effects.add(lifecycle.retry(snapshotId, request));
    }
    return new Transition(Optional.of(new FinishedSnapshot(snapshotId, atMs, report)), effects);
  }

  private Transition stay() {
    return Transition.to(this);
  }

  private static Transition stay(PendingSnapshot next) {
    return Transition.to(next);
  }
}
