package io.snapbank.faults;

/** What a fault does to its target. */
enum FaultKind {
  /** kill -9 of a bank node, then a restart. */
  NODE_KILL,
  /** kill -9 of the auditor, then a restart. */
  AUDITOR_KILL,
  /** kill -9 of a broker (the one leading most channel partitions), then a restart. */
  BROKER_KILL,
  /** kill -STOP of a broker, then kill -CONT. */
  BROKER_PAUSE,
  /** kill -STOP of a bank node, then kill -CONT. */
  NODE_PAUSE
}
