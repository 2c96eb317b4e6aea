package io.snapbank.auditor.core;

import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotRequest;

/**
 * Something that happens to one snapshot, at wall-clock time {@code atMs} (as the auditor saw it).
 * The input of {@link SnapshotLifecycle#apply}.
 */
public sealed interface SnapshotEvent
    permits SnapshotEvent.Requested,
        SnapshotEvent.Reported,
        SnapshotEvent.GenesisKnown,
        SnapshotEvent.Tick,
        SnapshotEvent.DeepAudited,
        SnapshotEvent.EpochStarted {

  /** When the auditor saw the event, wall-clock ms. */
  long atMs();

  /** A request for snapshot {@code snapshotId}, with what it asks for. */
  record Requested(long snapshotId, RequestTerms request, long atMs) implements SnapshotEvent {
    /**
     * A request made at {@code requestedAtMs} (0 or less: unknown) naming no epoch and no initiator
     * and retrying nothing.
     */
    public Requested(long snapshotId, long requestedAtMs, long atMs) {
      this(snapshotId, RequestTerms.at(requestedAtMs), atMs);
    }

    /** The event of request record {@code r}, seen at {@code atMs}. */
    public static Requested of(SnapshotRequest r, long atMs) {
      return new Requested(r.getSnapshotId(), RequestTerms.of(r), atMs);
    }
  }

  /** A node's report of its part of a snapshot. */
  record Reported(LocalSnapshotReport report, long atMs) implements SnapshotEvent {}

  /** The bank's genesis has just become known: the lifecycle applying this event carries it. */
  record GenesisKnown(long atMs) implements SnapshotEvent {}

  /** Time passed: a pending snapshot may have timed out. */
  record Tick(long atMs) implements SnapshotEvent {}

  /**
   * The bank entered {@code epoch} (a restore or a membership change); the lifecycle applying this
   * event knows it.
   */
  record EpochStarted(long epoch, long atMs) implements SnapshotEvent {}

  /** A deep audit of the snapshot finished with {@code result}. */
  record DeepAudited(DeepAuditResult result, long atMs) implements SnapshotEvent {}
}
