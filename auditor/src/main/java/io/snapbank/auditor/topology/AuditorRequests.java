package io.snapbank.auditor.topology;

import io.snapbank.auditor.avro.RequestScheduleState;
import io.snapbank.auditor.core.Effect;
import io.snapbank.auditor.core.RequestSchedule;
import io.snapbank.schemas.SnapshotRequest;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The snapshot requests the auditor writes itself, scheduled ones and retries, with ids from one
 * {@link RequestSchedule} kept in {@link AuditorTopology#SCHEDULE_STORE} (so ids keep growing
 * across restarts), signed with the auditor's application id.
 */
final class AuditorRequests {
  private static final String SCHEDULE_KEY = "requests";

  private final KeyValueStore<String, RequestScheduleState> store;
  private final String requestedBy;

  AuditorRequests(KeyValueStore<String, RequestScheduleState> store, String requestedBy) {
    this.store = store;
    this.requestedBy = requestedBy;
  }

  /** The scheduled request due at {@code nowMs} in {@code epoch}, if any, its id taken. */
  Optional<SnapshotRequest> due(long nowMs, long periodMs, long epoch) {
    return schedule().due(nowMs, periodMs, epoch, requestedBy).map(this::take);
  }

  /** The request carrying out {@code retry} at {@code nowMs}, its id taken. */
  SnapshotRequest retry(Effect.Retry retry, long nowMs) {
    return take(schedule().retry(retry, nowMs, requestedBy));
  }

  private RequestSchedule schedule() {
    RequestScheduleState stored = store.get(SCHEDULE_KEY);
    return stored == null
        ? RequestSchedule.START
        : new RequestSchedule(stored.getLastRequestedId(), stored.getNextRequestAtMs());
  }

  private SnapshotRequest take(RequestSchedule.Due due) {
    store.put(
        SCHEDULE_KEY,
        new RequestScheduleState(due.next().lastRequestedId(), due.next().nextRequestAtMs()));
    return due.request();
  }
}
