package io.snapbank.auditor.core;

import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of a global snapshot in the auditor, as a pure state machine: the bank (once its
 * genesis is known), its epoch log as read so far, the snapshot timeout, and {@link #apply} which
 * takes a snapshot's state and an event and returns the next state with its effects as data. The
 * driver stores the states and carries out the effects; nothing here does I/O or reads a clock.
 *
 * <p>Every snapshot belongs to one epoch E: that of its held reports (they all share one), or the
 * one its request names while none is held (a request naming none counts as the current epoch). It
 * covers exactly M, the members of E ({@link #members}), and conserves E's expected total (the
 * genesis total, or a restored cut's, plus the money that entered the bank since, minus the money
 * that left it). M is known once the genesis is known and E has been read from the epoch log.
 *
 * <p>States: UNSEEN (nothing held: never seen, or forgotten), {@link PendingSnapshot PENDING},
 * {@link FinishedSnapshot FINISHED} (audited or aborted). "Ends" below is the move to FINISHED with
 * Abort(reason) and Publish(ABORTED), plus Retry when the reason is EPOCH_CHANGED; the reason is
 * SUPERSEDED when a restore lies between the snapshot's epoch and the newer one, else
 * EPOCH_CHANGED.
 *
 * <pre>
 * state     event                                      next      effects
 * UNSEEN    request of the current epoch or later      PENDING   -
 * UNSEEN    request of an earlier epoch                FINISHED  ends (EPOCH_CHANGED: Retry)
 * UNSEEN    report of a member, not the last           PENDING   -
 * UNSEEN    report completing the snapshot (|M| = 1)   PENDING   -  (waits for its request)
 * UNSEEN    report of a node outside M                 UNSEEN    RejectInput(UNKNOWN_NODE)
 * UNSEEN    report of an epoch not read yet            PENDING   -  (held, M not known)
 * UNSEEN    genesis known, tick                        UNSEEN    -
 * UNSEEN    deep audit                                 UNSEEN    RejectInput(UNMATCHED_DEEP_AUDIT)
 * PENDING   request, a member missing                  PENDING   -  (earliest request time kept)
 * PENDING   request, every member in                   FINISHED  Publish(COMPLETED)
 * PENDING   report of a new member, not the last       PENDING   -  (report held)
 * PENDING   report of the last missing member, request FINISHED  Publish(COMPLETED)
 *             read
 * PENDING   report of the last missing member, no      PENDING   -  (waits for its request)
 *             request read
 * PENDING   report of a node already held              PENDING   Ignore(DUPLICATE)
 * PENDING   report of a node outside M                 PENDING   RejectInput(UNKNOWN_NODE)
 * PENDING   genesis known or epoch E read, members     PENDING   RejectHeld(UNKNOWN_NODE) per held
 *             missing                                            report of a node outside M
 * PENDING   genesis known or epoch E read, every       FINISHED  RejectHeld(UNKNOWN_NODE) per
 *             member in, request read                            outside report, Publish(COMPLETED)
 *             (no request read: PENDING, the outside reports rejected)
 * PENDING   tick, pending shorter than the timeout     PENDING   -
 * PENDING   tick, timeout reached, a member missing    FINISHED  Abort(TIMED_OUT...), Publish(ABORTED)
 * PENDING   tick, timeout reached, every member in     FINISHED  Publish(COMPLETED)  (request unread)
 * PENDING   deep audit                                 PENDING   RejectInput(UNMATCHED_DEEP_AUDIT)
 * PENDING   epoch started after E, a member missing    FINISHED  ends (EPOCH_CHANGED: Retry)
 * PENDING   epoch started after E, every member in     FINISHED  Publish(COMPLETED)  (request unread)
 * PENDING   epoch started, E not before it             PENDING   -  (settled as above if it is E)
 * PENDING   report of another epoch than those held    FINISHED  ends (EPOCH_CHANGED: Retry)
 * UNSEEN    report of an epoch before the current one  UNSEEN    Ignore(SUPERSEDED)
 * PENDING   report of an epoch before the current one  PENDING   Ignore(SUPERSEDED)
 * FINISHED  request, genesis known, tick, epoch        FINISHED  -  (nothing is reopened)
 * FINISHED  any report                                 FINISHED  Ignore(LATE)
 * FINISHED  deep audit of a complete snapshot          FINISHED  Publish(DEEP_AUDITED), report replaced
 * FINISHED  deep audit of an aborted snapshot          FINISHED  RejectInput(UNMATCHED_DEEP_AUDIT)
 * </pre>
 *
 * <p>Retry({@link #retry}) asks the driver for a new request of the snapshot, under a fresh id, in
 * the current epoch, with the old initiators that are still members (every node when none is), and
 * naming the aborted one it retries; a retry ended by another change is retried in turn, so a
 * snapshot is retried at most once per change. TIMED_OUT and SUPERSEDED snapshots are not retried.
 *
 * <p>A snapshot completes once every member of M has reported and its request has been read: the
 * request carries its terms (when it was asked for, which aborted snapshot it retries) and reaches
 * the auditor by another path than the reports, so it may come last. A full set of reports whose
 * request is not read by the timeout, or by the start of a later epoch, completes then with its
 * terms unknown.
 *
 * <p>While M is not known, reports of any non-negative node are held and no snapshot completes. A
 * pending snapshot times out {@code timeoutMs} after the auditor first saw it (its request or first
 * report). A finished snapshot is forgotten (back to UNSEEN) once its {@link FinishedRetention} has
 * passed: that is cleanup done by the driver, not an event.
 */
public record SnapshotLifecycle(
    Optional<BankGenesis> genesis, long timeoutMs, List<BankEpoch> epochLog) {
  public SnapshotLifecycle {
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("the timeout must be positive, got " + timeoutMs + " ms");
    }
    genesis = genesis == null ? Optional.empty() : genesis;
    epochLog = List.copyOf(epochLog);
  }

  public SnapshotLifecycle(Optional<BankGenesis> genesis, long timeoutMs) {
    this(genesis, timeoutMs, List.of());
  }

  /** A lifecycle before the bank's genesis is known. */
  public static SnapshotLifecycle of(long timeoutMs) {
    return new SnapshotLifecycle(Optional.empty(), timeoutMs);
  }

  /** The bank's epochs, once its genesis is known. */
  public Optional<EpochView> epochs() {
    return genesis.map(
        g -> {
          EpochView v = EpochView.genesis(g);
          for (BankEpoch e : epochLog) {
            v = v.with(e);
          }
          return v;
        });
  }

  /** The latest epoch known (0 at the genesis). */
  public long currentEpoch() {
    long max = 0;
    for (BankEpoch e : epochLog) {
      max = Math.max(max, e.getEpoch());
    }
    return max;
  }

  /**
   * This lifecycle with entry {@code e} of the epoch log known; the caller then applies {@link
   * SnapshotEvent.EpochStarted} to every pending snapshot with it. An epoch known already changes
   * nothing (empty).
   */
  public Optional<SnapshotLifecycle> withEpoch(BankEpoch e) {
    for (BankEpoch known : epochLog) {
      if (known.getEpoch() == e.getEpoch()) {
        return Optional.empty();
      }
    }
    List<BankEpoch> log = new java.util.ArrayList<>(epochLog);
    log.add(e);
    log.sort(java.util.Comparator.comparingLong(BankEpoch::getEpoch));
    return Optional.of(new SnapshotLifecycle(genesis, timeoutMs, log));
  }

  /** Why a snapshot of {@code epoch} ends when the bank is at {@code now}. */
  public AbortReason leftBehind(long epoch, long now) {
    for (BankEpoch e : epochLog) {
      if (e.getEpoch() > epoch && e.getEpoch() <= now && e.getKind() == EpochKind.RESTORE) {
        return AbortReason.SUPERSEDED;
      }
    }
    return AbortReason.EPOCH_CHANGED;
  }

  /**
   * Epoch {@code epoch} as known: empty before the genesis is known, and for an epoch the auditor
   * has not read from the epoch log yet.
   */
  public Optional<EpochView.Entry> epoch(long epoch) {
    if (epoch < 0 || epoch > currentEpoch()) {
      return Optional.empty();
    }
    return epochs().map(v -> v.at(epoch));
  }

  /** The members of epoch {@code epoch}, when {@link #epoch known}. */
  public Optional<Members> members(long epoch) {
    return epoch(epoch).map(e -> Members.of(e.members()));
  }

  /** The money a snapshot of epoch {@code epoch} must account for, when {@link #epoch known}. */
  public Optional<Long> expectedTotal(long epoch) {
    return epoch(epoch).map(EpochView.Entry::expectedTotal);
  }

  /**
   * The request that retries snapshot {@code snapshotId}, aborted by a change of members: in the
   * current epoch, initiated by those of its {@code request}'s initiators that are still members
   * (every node when none is).
   */
  public Effect.Retry retry(long snapshotId, RequestTerms request) {
    long now = currentEpoch();
    List<Integer> initiators =
        members(now).map(m -> m.retain(request.initiators())).orElse(request.initiators());
    return new Effect.Retry(snapshotId, now, initiators);
  }

  /** The transition of a snapshot in {@code state} (empty: UNSEEN) on {@code event}. */
  public Transition apply(Optional<SnapshotState> state, SnapshotEvent event) {
    return state.isPresent() ? state.get().on(event, this) : unseen(event);
  }

  /**
   * What a genesis record does: the first valid one is adopted (then apply {@link
   * SnapshotEvent.GenesisKnown} to every pending snapshot with the new lifecycle), the same one
   * again changes nothing, and one with fewer than one node or differing from the known one is
   * rejected.
   */
  public GenesisVerdict onGenesis(BankGenesis g) {
    if (g.getNodes() < 1) {
      return new GenesisVerdict.Rejected(
          QuarantineReason.INVALID_GENESIS,
          "a bank needs at least one node, the genesis names " + g.getNodes());
    }
    if (genesis.isEmpty()) {
      return new GenesisVerdict.Adopted(
          g, new SnapshotLifecycle(Optional.of(g), timeoutMs, epochLog));
    }
    BankGenesis known = genesis.get();
    if (known.equals(g)) {
      return new GenesisVerdict.Same();
    }
    return new GenesisVerdict.Rejected(
        QuarantineReason.GENESIS_CONFLICT,
        "the bank's genesis is already known ("
            + known.getNodes()
            + " nodes, total "
            + known.getTotal()
            + "); this one names "
            + g.getNodes()
            + " nodes, total "
            + g.getTotal());
  }

  private Transition unseen(SnapshotEvent event) {
    if (event instanceof SnapshotEvent.Reported r && r.report().getEpoch() < currentEpoch()) {
      return Transition.none(new Effect.Ignore(Acceptance.SUPERSEDED));
    }
    if (event instanceof SnapshotEvent.Requested r) {
      RequestTerms request = r.request().inEpoch(currentEpoch());
      PendingSnapshot opened = PendingSnapshot.opened(r.snapshotId(), r.atMs(), request);
      if (request.epoch() < currentEpoch()) {
        return opened.abort(
            r.atMs(),
            this,
            leftBehind(request.epoch(), currentEpoch()),
            "requested in epoch " + request.epoch() + ", the bank is in epoch " + currentEpoch());
      }
      return Transition.to(opened);
    }
    if (event instanceof SnapshotEvent.Reported r) {
      LocalSnapshotReport report = r.report();
      PendingSnapshot opened =
          PendingSnapshot.opened(report.getSnapshotId(), r.atMs(), RequestTerms.NONE);
      Transition t = opened.on(event, this);
      if (opened.offer(report.getNodeId(), members(report.getEpoch())) == Acceptance.UNKNOWN_NODE) {
        return new Transition(Optional.empty(), t.effects()); // a rejected report holds nothing
      }
      return t;
    }
    if (event instanceof SnapshotEvent.DeepAudited d) {
      return Transition.none(
          new Effect.RejectInput(
              QuarantineReason.UNMATCHED_DEEP_AUDIT,
              "deep audit of snapshot "
                  + d.result().snapshotId()
                  + ", which the auditor does not know (never seen, or forgotten after it"
                  + " finished)"));
    }
    return Transition.none();
  }
}
