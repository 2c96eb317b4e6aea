package io.snapbank.auditor.core;

import io.snapbank.schemas.SnapshotRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The auditor's snapshot requests, scheduled ones and retries: the id of the last request and when
 * the next scheduled one is due. Ids are the request time in ms, or one more than the last id when
 * the clock has not moved past it, so they always grow. Immutable.
 */
public record RequestSchedule(long lastRequestedId, long nextRequestAtMs) {
  /** Nothing requested yet: the first request is due at once. */
  public static final RequestSchedule START = new RequestSchedule(0, Long.MIN_VALUE);

  /** A request to write now and the schedule after it. */
  public record Due(SnapshotRequest request, RequestSchedule next) {}

  /**
   * The request due at {@code nowMs}, if any, with requests every {@code periodMs} (0 or less:
   * never), in {@code epoch}, signed {@code requestedBy}.
   */
  public Optional<Due> due(long nowMs, long periodMs, long epoch, String requestedBy) {
    if (periodMs <= 0 || nowMs < nextRequestAtMs) {
      return Optional.empty();
    }
    long id = nextId(nowMs);
    return Optional.of(
        new Due(
            request(id, nowMs, epoch, List.of(), -1, requestedBy),
            new RequestSchedule(id, nowMs + periodMs)));
  }

  /**
   * The request carrying out {@code retry} at {@code nowMs}, signed {@code requestedBy}, under a
   * fresh id; the scheduled requests keep their times.
   */
  public Due retry(Effect.Retry retry, long nowMs, String requestedBy) {
    long id = nextId(nowMs);
    return new Due(
        request(id, nowMs, retry.epoch(), retry.initiators(), retry.retryOf(), requestedBy),
        new RequestSchedule(id, nextRequestAtMs));
  }

  private long nextId(long nowMs) {
    return Math.max(nowMs, lastRequestedId + 1);
  }

  private static SnapshotRequest request(
      long id, long nowMs, long epoch, List<Integer> initiators, long retryOf, String by) {
    return SnapshotRequest.newBuilder()
        .setSnapshotId(id)
        .setInitiators(new ArrayList<>(initiators))
        .setRequestedAtMs(nowMs)
        .setRequestedBy(by)
        .setEpoch(epoch)
        .setRetryOf(retryOf)
        .build();
  }
}
