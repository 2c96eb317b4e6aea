package io.snapbank.auditor.core;

import io.snapbank.schemas.LocalSnapshotReport;

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

  /**
   * A request for snapshot {@code snapshotId}, made at {@code requestedAtMs} (0 or less: unknown).
   */
  record Requested(long snapshotId, long requestedAtMs, long atMs) implements SnapshotEvent {}

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
