package io.snapbank.auditor.app;

import io.snapbank.auditor.metrics.AuditMeters;
import io.snapbank.auditor.store.SnapshotStore;
import io.snapbank.auditor.web.AuditWebServer;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each report and epoch-log entry the {@link ReportFollower} reads goes: the web page, the
 * snapshot files, the meters, the listeners, and, for every n-th new complete snapshot, the
 * deep-audit stage. A failing outlet is logged and the others still get the report. Used on the
 * follower's thread.
 */
final class ReportOutlets implements ReportFollower.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(ReportOutlets.class);
  private final AuditWebServer web;
  private final SnapshotStore store;
  private final AuditMeters meters;
  private final List<Consumer<AuditReport>> listeners;
  private final DeepAuditWorker worker;
  private final int sample;
  private final LongPredicate owned;
  private long completeSeen;

  /**
   * @param web the web page, or null when it is off
   * @param store the snapshot files, or null when they are not kept
   * @param meters the auditor's meters
   * @param listeners called with every report (a live list)
   * @param sample deep-audit every n-th new complete snapshot of those this instance owns; 0 = none
   * @param owned whether this instance's topology owns a snapshot (its report partition's task runs
   *     here), so that of several auditors only one samples each snapshot
   */
  ReportOutlets(
      AuditWebServer web,
      SnapshotStore store,
      AuditMeters meters,
      List<Consumer<AuditReport>> listeners,
      DeepAuditWorker worker,
      int sample,
      LongPredicate owned) {
    this.web = web;
    this.store = store;
    this.meters = meters;
    this.listeners = listeners;
    this.worker = worker;
    this.sample = sample;
    this.owned = owned;
  }

  @Override
  public void handle(AuditReport r, boolean history) {
    boolean complete = r.getStatus() != AuditStatus.ABORTED;
    if (web != null) {
      web.add(r);
    }
    if (complete && store != null) {
      try {
        store.store(r);
      } catch (RuntimeException e) {
        LOG.error("cannot store snapshot {}", r.getSnapshotId(), e);
      }
    }
    try {
      meters.report(r, history);
    } catch (RuntimeException e) {
      LOG.error("cannot count snapshot {} in the meters", r.getSnapshotId(), e);
    }
    for (Consumer<AuditReport> l : listeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        LOG.warn("audit report listener failed on snapshot {}", r.getSnapshotId(), e);
      }
    }
    if (!history
        && complete
        && r.getDeepAudit() == null
        && owned.test(r.getSnapshotId())
        && sampled()) {
      if (worker.submit(r) instanceof DeepAuditWorker.Refused refused) {
        LOG.warn(
            "sampled deep audit of snapshot {} not queued: {}",
            r.getSnapshotId(),
            refused.reason());
      }
    }
  }

  /**
   * An entry of the epoch log: the web page shows the history, and a restored cut's files are kept
   * until a later snapshot of the new epoch is verified.
   */
  @Override
  public void epoch(BankEpoch e) {
    if (web != null) {
      web.epoch(e);
    }
    if (store != null) {
      store.epoch(e);
    }
  }

  /** Whether this new complete snapshot is the n-th one to deep-audit. */
  private boolean sampled() {
    return sample > 0 && ++completeSeen % sample == 0;
  }
}
