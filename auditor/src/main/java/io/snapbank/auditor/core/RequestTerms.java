package io.snapbank.auditor.core;

import io.snapbank.schemas.SnapshotRequest;
import java.util.List;

/**
 * What a snapshot's request asked for, as the auditor keeps it. Immutable.
 *
 * @param requestedAtMs when it was requested (0: unknown, or no request seen)
 * @param epoch the epoch the snapshot is to be taken in ({@link #ANY_EPOCH}: none named)
 * @param initiators the nodes that record on sight (empty: every node)
 * @param retryOf the snapshot this one retries after an epoch change aborted it (-1: none)
 */
public record RequestTerms(long requestedAtMs, long epoch, List<Integer> initiators, long retryOf) {
  /** The request names no epoch: each node takes it in the epoch it is in. */
  public static final long ANY_EPOCH = -1;

  /** No request seen. */
  public static final RequestTerms NONE = new RequestTerms(0, ANY_EPOCH, List.of(), -1);

  public RequestTerms {
    requestedAtMs = Math.max(0, requestedAtMs);
    epoch = Math.max(ANY_EPOCH, epoch);
    initiators = List.copyOf(initiators);
    retryOf = Math.max(-1, retryOf);
  }

  /** A request at {@code requestedAtMs} naming no epoch, no initiator and retrying nothing. */
  public static RequestTerms at(long requestedAtMs) {
    return new RequestTerms(requestedAtMs, ANY_EPOCH, List.of(), -1);
  }

  /** Whether a request was seen (a request always carries its time). */
  public boolean seen() {
    return requestedAtMs > 0;
  }

  /** The terms of a request record. */
  public static RequestTerms of(SnapshotRequest r) {
    return new RequestTerms(r.getRequestedAtMs(), r.getEpoch(), r.getInitiators(), r.getRetryOf());
  }

  /** These terms, a request naming no epoch taken to name {@code current}. */
  public RequestTerms inEpoch(long current) {
    return epoch == ANY_EPOCH
        ? new RequestTerms(requestedAtMs, current, initiators, retryOf)
        : this;
  }

  /**
   * These terms with another request of the same snapshot seen: the earliest known request time,
   * and for the rest what was known first.
   */
  public RequestTerms and(RequestTerms other) {
    long at = requestedAtMs;
    if (other.requestedAtMs > 0 && (at == 0 || other.requestedAtMs < at)) {
      at = other.requestedAtMs;
    }
    return new RequestTerms(
        at,
        epoch != ANY_EPOCH ? epoch : other.epoch,
        !initiators.isEmpty() ? initiators : other.initiators,
        retryOf >= 0 ? retryOf : other.retryOf);
  }
}
