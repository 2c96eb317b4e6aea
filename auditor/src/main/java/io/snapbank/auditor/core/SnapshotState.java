package io.snapbank.auditor.core;

/**
 * Where one global snapshot stands in the auditor: {@link PendingSnapshot} while reports are being
 * collected, {@link FinishedSnapshot} once audited or aborted. Immutable values; each event gives a
 * {@link Transition} (see the table in {@link SnapshotLifecycle}).
 */
public sealed interface SnapshotState permits PendingSnapshot, FinishedSnapshot {
  long snapshotId();

  /** The transition on {@code event}, judged by {@code lifecycle} (the bank and the timeout). */
  Transition on(SnapshotEvent event, SnapshotLifecycle lifecycle);
}
