package io.snapbank.auditor.topology;

import io.snapbank.auditor.core.Effect;
import io.snapbank.auditor.core.QuarantineReason;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology's counters, kept in {@link AuditorTopology#COUNTERS_STORE} (so they survive a
 * restart and can be queried): {@value #COMPLETED}, {@value #ABORTED}, {@value #DEEP_AUDITED},
 * {@value #DUPLICATE}, {@value #LATE}, {@value #SUPERSEDED}, {@value #UNKNOWN_NODE}, {@value
 * #QUARANTINED}, {@value #REQUESTED}, {@value #RETRIED}. Counting is derived from the effects the
 * lifecycle returns, apart from it.
 */
final class AuditCounters {
  static final String COMPLETED = "completed";
  static final String ABORTED = "aborted";
  static final String DEEP_AUDITED = "deepAudited";
  static final String DUPLICATE = "duplicate";
  static final String LATE = "late";
  static final String SUPERSEDED = "superseded";
  static final String UNKNOWN_NODE = "unknownNode";
  static final String QUARANTINED = "quarantined";
  static final String REQUESTED = "requested";
  static final String RETRIED = "retried";

  private final KeyValueStore<String, Long> store;

  AuditCounters(KeyValueStore<String, Long> store) {
    this.store = store;
  }

  /** Counts what an effect stands for. */
  void count(Effect e) {
    if (e instanceof Effect.Publish p) {
      increment(
          switch (p.verdict()) {
            case COMPLETED -> COMPLETED;
            case ABORTED -> ABORTED;
            case DEEP_AUDITED -> DEEP_AUDITED;
          });
    } else if (e instanceof Effect.Ignore i) {
      increment(
          switch (i.acceptance()) {
            case DUPLICATE -> DUPLICATE;
            case SUPERSEDED -> SUPERSEDED;
            default -> LATE;
          });
    } else if (e instanceof Effect.Retry) {
      increment(RETRIED);
    } else if (e instanceof Effect.RejectInput r) {
      quarantined(r.reason());
    } else if (e instanceof Effect.RejectHeld r) {
      quarantined(r.reason());
    }
  }

  /** A record was quarantined for {@code reason}. */
  void quarantined(QuarantineReason reason) {
    if (reason == QuarantineReason.UNKNOWN_NODE) {
      increment(UNKNOWN_NODE);
    }
    increment(QUARANTINED);
  }

  /** A scheduled request was written. */
  void requested() {
    increment(REQUESTED);
  }

  private void increment(String name) {
    Long v = store.get(name);
    store.put(name, v == null ? 1 : v + 1);
  }
}
