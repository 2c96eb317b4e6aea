package io.snapbank.auditor.core;

import io.snapbank.schemas.SnapshotRequest;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Scheduled snapshot requests: the id of the last request and when the next one is due. Ids are the
 * request time in ms, or one more than the last id when the clock has not moved past it, so they
 * always grow. Immutable.
 */
public record RequestSchedule(long lastRequestedId, long nextRequestAtMs) {
  /** Nothing requested yet: the first request is due at once. */
  public static final RequestSchedule START = new RequestSchedule(0, Long.MIN_VALUE);

  /** A request due now and the schedule after it. */
  public record Due(SnapshotRequest request, RequestSchedule next) {}

  /**
   * The request due at {@code nowMs}, if any, with requests every {@code periodMs} (0 or less:
   * never), signed {@code requestedBy}.
   */
  public Optional<Due> due(long nowMs, long periodMs, String requestedBy) {
    if (periodMs <= 0 || nowMs < nextRequestAtMs) {
      return Optional.empty();
    }
    long id = Math.max(nowMs, lastRequestedId + 1);
    return Optional.of(
        new Due(
            new SnapshotRequest(id, new ArrayList<>(), nowMs, requestedBy, -1L),
            new RequestSchedule(id, nowMs + periodMs)));
  }
}
