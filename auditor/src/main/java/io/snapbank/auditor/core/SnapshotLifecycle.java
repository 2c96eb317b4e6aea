package io.snapbank.auditor.core;

import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.EpochKind;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of a global snapshot in the auditor, as a pure state machine: the bank (once its
 * genesis is known) and the snapshot timeout, and {@link #apply} which takes a snapshot's state and
 * an event and returns the next state with its effects as data. The driver stores the states and
 * carries out the effects; nothing here does I/O or reads a clock.
 *
 * <p>States: UNSEEN (nothing held: never seen, or forgotten), {@link PendingSnapshot PENDING},
 * {@link FinishedSnapshot FINISHED} (audited or aborted). N is the bank's size from its genesis.
 *
 * <pre>
 * state     event                                      next      effects
 * UNSEEN    request                                    PENDING   -
 * UNSEEN    report of a node of the bank, not the last PENDING   -
 * UNSEEN    report completing the snapshot (N = 1)     FINISHED  Publish(COMPLETED)
 * UNSEEN    report of a node outside the bank          UNSEEN    RejectInput(UNKNOWN_NODE)
 * UNSEEN    genesis known, tick                        UNSEEN    -
 * UNSEEN    deep audit                                 UNSEEN    RejectInput(UNMATCHED_DEEP_AUDIT)
 * PENDING   request                                    PENDING   -  (earliest request time kept)
 * PENDING   report of a new node, not the last         PENDING   -  (report held)
 * PENDING   report of the last missing node            FINISHED  Publish(COMPLETED)
 * PENDING   report of a node already held              PENDING   Ignore(DUPLICATE)
 * PENDING   report of a node outside the bank          PENDING   RejectInput(UNKNOWN_NODE)
 * PENDING   genesis known, not every node in           PENDING   RejectHeld(UNKNOWN_NODE) per held
 *                                                                report of a node outside 0..N-1
 * PENDING   genesis known, every node in               FINISHED  RejectHeld(UNKNOWN_NODE) per
 *                                                                outside report, Publish(COMPLETED)
 * PENDING   tick, pending shorter than the timeout     PENDING   -
 * PENDING   tick, pending for the timeout or longer    FINISHED  Abort(TIMED_OUT...), Publish(ABORTED)
 * PENDING   deep audit                                 PENDING   RejectInput(UNMATCHED_DEEP_AUDIT)
 * PENDING   epoch started, reports of an earlier epoch FINISHED  Abort(SUPERSEDED after a restore,
 *             held or none held                                  else EPOCH_CHANGED), Publish(ABORTED)
 * PENDING   epoch started, every report already in it  PENDING   -
 * PENDING   report of another epoch than those held    FINISHED  Abort(SUPERSEDED/EPOCH_CHANGED),
 *                                                                Publish(ABORTED)
 * UNSEEN    report of an epoch before the current one  UNSEEN    Ignore(SUPERSEDED)
 * PENDING   report of an epoch before the current one  PENDING   Ignore(SUPERSEDED)
 * FINISHED  request, genesis known, tick, epoch        FINISHED  -  (nothing is reopened)
 * FINISHED  any report                                 FINISHED  Ignore(LATE)
 * FINISHED  deep audit of a complete snapshot          FINISHED  Publish(DEEP_AUDITED), report replaced
 * FINISHED  deep audit of an aborted snapshot          FINISHED  RejectInput(UNMATCHED_DEEP_AUDIT)
 * </pre>
 *
 * <p>While the genesis is not known, reports of any non-negative node are held (N is {@link
 * PendingSnapshot#UNKNOWN_SIZE}) and no snapshot completes. A pending snapshot times out {@code
 * timeoutMs} after the auditor first saw it (its request or first report). A finished snapshot is
 * forgotten (back to UNSEEN) once its {@link FinishedRetention} has passed: that is cleanup done by
 * the driver, not an event.
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

  /** The bank's size N, or {@link PendingSnapshot#UNKNOWN_SIZE} before its genesis is known. */
  public int bankSize() {
    return genesis.map(BankGenesis::getNodes).orElse(PendingSnapshot.UNKNOWN_SIZE);
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
      return new GenesisVerdict.Adopted(g, new SnapshotLifecycle(Optional.of(g), timeoutMs));
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
      return Transition.to(PendingSnapshot.opened(r.snapshotId(), r.atMs(), r.requestedAtMs()));
    }
    if (event instanceof SnapshotEvent.Reported r) {
      PendingSnapshot opened = PendingSnapshot.opened(r.report().getSnapshotId(), r.atMs(), 0);
      Transition t = opened.on(event, this);
      if (opened.offer(r.report().getNodeId(), bankSize()) == Acceptance.UNKNOWN_NODE) {
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
