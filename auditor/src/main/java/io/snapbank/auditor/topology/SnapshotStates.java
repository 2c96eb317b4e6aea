package io.snapbank.auditor.topology;

import io.snapbank.auditor.avro.PendingSnapshotMeta;
import io.snapbank.auditor.core.FinishedRetention;
import io.snapbank.auditor.core.FinishedSnapshot;
import io.snapbank.auditor.core.PendingSnapshot;
import io.snapbank.auditor.core.RequestTerms;
import io.snapbank.auditor.core.SnapshotState;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the core's {@link SnapshotState}s in the topology's state stores, laid out so that each
 * event writes only what it changed:
 *
 * <ul>
 *   <li>a pending snapshot: its times and request in {@link AuditorTopology#PENDING_STORE} and each
 *       held report under its own {@link ReportKey} in {@link AuditorTopology#REPORTS_STORE};
 *   <li>a finished snapshot: when it finished in {@link AuditorTopology#FINISHED_STORE} (small, so
 *       that forgetting old ones scans little) and its last report in {@link
 *       AuditorTopology#FINISHED_REPORTS_STORE}.
 * </ul>
 *
 * An unseen snapshot has no entry anywhere. Not thread-safe (one stream task owns it).
 */
final class SnapshotStates {
  private final KeyValueStore<Long, PendingSnapshotMeta> pending;
  private final KeyValueStore<ReportKey, LocalSnapshotReport> reports;
  private final KeyValueStore<Long, Long> finished;
  private final KeyValueStore<Long, AuditReport> finishedReports;

  SnapshotStates(
      KeyValueStore<Long, PendingSnapshotMeta> pending,
      KeyValueStore<ReportKey, LocalSnapshotReport> reports,
      KeyValueStore<Long, Long> finished,
      KeyValueStore<Long, AuditReport> finishedReports) {
    this.pending = pending;
    this.reports = reports;
    this.finished = finished;
    this.finishedReports = finishedReports;
  }

  /** The state of snapshot {@code id}; empty when unseen. */
  Optional<SnapshotState> load(long id) {
    PendingSnapshotMeta meta = pending.get(id);
    if (meta != null) {
      RequestTerms request =
          new RequestTerms(
              meta.getRequestedAtMs(), meta.getEpoch(), meta.getInitiators(), meta.getRetryOf());
      return Optional.of(new PendingSnapshot(id, meta.getFirstSeenMs(), request, heldReports(id)));
    }
    Long finishedAt = finished.get(id);
    if (finishedAt == null) {
      return Optional.empty();
    }
    AuditReport report = finishedReports.get(id);
    if (report == null) {
      throw new IllegalStateException(
          "finished snapshot " + id + " has no stored report: the state stores disagree");
    }
    return Optional.of(new FinishedSnapshot(id, finishedAt, report));
  }

  /** Stores the move of snapshot {@code id} from {@code before} to {@code after}. */
  void save(long id, Optional<SnapshotState> before, Optional<SnapshotState> after) {
    if (before.equals(after)) {
      return;
    }
    SortedMap<Integer, LocalSnapshotReport> held =
        before.isPresent() && before.get() instanceof PendingSnapshot p
            ? p.reports()
            : new TreeMap<>();
    SortedMap<Integer, LocalSnapshotReport> keep = new TreeMap<>();
    if (after.isPresent() && after.get() instanceof PendingSnapshot p) {
      keep.putAll(p.reports());
      savePending(p, before);
    } else if (before.isPresent() && before.get() instanceof PendingSnapshot) {
      pending.delete(id);
    }
    for (int node : held.keySet()) {
      if (!keep.containsKey(node)) {
        reports.delete(new ReportKey(id, node));
      }
    }
    for (Map.Entry<Integer, LocalSnapshotReport> e : keep.entrySet()) {
      if (!held.containsKey(e.getKey())) {
        reports.put(new ReportKey(id, e.getKey()), e.getValue());
      }
    }
    if (after.isPresent() && after.get() instanceof FinishedSnapshot f) {
      boolean sameTime =
          before.isPresent()
              && before.get() instanceof FinishedSnapshot b
              && b.finishedAtMs() == f.finishedAtMs();
      if (!sameTime) {
        finished.put(id, f.finishedAtMs());
      }
      finishedReports.put(id, f.report());
    } else if (before.isPresent() && before.get() instanceof FinishedSnapshot) {
      finished.delete(id);
      finishedReports.delete(id);
    }
  }

  private void savePending(PendingSnapshot p, Optional<SnapshotState> before) {
    boolean same =
        before.isPresent()
            && before.get() instanceof PendingSnapshot b
            && b.firstSeenMs() == p.firstSeenMs()
            && b.request().equals(p.request());
    if (!same) {
      RequestTerms r = p.request();
      pending.put(
          p.snapshotId(),
          PendingSnapshotMeta.newBuilder()
              .setSnapshotId(p.snapshotId())
              .setFirstSeenMs(p.firstSeenMs())
              .setRequestedAtMs(r.requestedAtMs())
              .setEpoch(r.epoch())
              .setInitiators(new ArrayList<>(r.initiators()))
              .setRetryOf(r.retryOf())
              .build());
    }
  }

  /** The ids of the pending snapshots, ascending. */
  List<Long> pendingIds() {
    List<Long> ids = new ArrayList<>();
    try (KeyValueIterator<Long, PendingSnapshotMeta> it = pending.all()) {
      it.forEachRemaining(kv -> ids.add(kv.key));
    }
    return ids;
  }

  /** Forgets the finished snapshots {@code retention} has expired at {@code nowMs}; how many. */
  int forgetFinished(FinishedRetention retention, long nowMs) {
    List<Long> old = new ArrayList<>();
    try (KeyValueIterator<Long, Long> it = finished.all()) {
      while (it.hasNext()) {
        KeyValue<Long, Long> e = it.next();
        if (retention.expired(e.value, nowMs)) {
          old.add(e.key);
        }
      }
    }
    for (long id : old) {
      finished.delete(id);
      finishedReports.delete(id);
    }
    return old.size();
  }

  private SortedMap<Integer, LocalSnapshotReport> heldReports(long id) {
    SortedMap<Integer, LocalSnapshotReport> out = new TreeMap<>();
    try (KeyValueIterator<ReportKey, LocalSnapshotReport> it =
        reports.prefixScan(id, ReportKey.PREFIX)) {
      it.forEachRemaining(kv -> out.put(kv.key.nodeId(), kv.value));
    }
    return out;
  }
}
