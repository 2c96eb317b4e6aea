package io.snapbank.auditor.app;

import io.snapbank.auditor.config.ApiToken;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.metrics.AuditMeters;
import io.snapbank.auditor.store.SnapshotStore;
import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.auditor.topology.AuditorTopology;
import io.snapbank.auditor.web.AuditWebServer;
import io.snapbank.auditor.web.DeepAuditAnswer;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The auditor process, against any Kafka cluster ({@link AuditorConfig#bootstrapServers()}), made
 * of three stages that meet only through topics:
 *
 * <ul>
 *   <li>the Kafka Streams {@link AuditorTopology} ({@link StreamsSettings}: exactly-once v2) that
 *       assembles and audits snapshots, aborts late ones, requests snapshots if configured, and
 *       merges deep-audit results into the reports; it is the only writer of audit-reports;
 *   <li>the {@link ReportFollower} of {@code <prefix>.audit-reports}, which keeps the latest
 *       reports, stores complete snapshots as files ({@link SnapshotStore}, when a snapshot
 *       directory is set), feeds the web page ({@link AuditWebServer}, when an HTTP port is set)
 *       and notifies {@link #onReport listeners};
 *   <li>the {@link DeepAuditWorker}, which re-reads the channel ranges of the snapshots it is given
 *       (on demand, {@link #deepAudit}, or every n-th complete snapshot read after start) and
 *       writes the results to {@code <prefix>.deep-audits} for the topology.
 * </ul>
 *
 * <p>{@link #start()} starts everything; the topology starts once the auditor's own topics exist
 * and its writer schemas are registered ({@link AuditorSetup}, retried until Kafka answers; a
 * release whose schemas the schema store refuses does not start). Every stage reads records of any
 * writer schema the bank's schema store holds. {@link #close()} stops it all. On start the follower
 * reads audit-reports from its beginning, so listeners, the web page and the files also see the
 * reports written before.
 *
 * <p>Several auditors of one application id share the topology's tasks ({@link AuditorTopology}:
 * one per report partition; the layout is checked at start, {@link ReportLayout}). Every instance
 * follows the whole audit-reports topic, so each one's page, files, listeners and report meters
 * show every snapshot; its counters, snapshots in progress and Kafka Streams meters cover only the
 * tasks it runs, and it samples deep audits only of the snapshots whose task it runs.
 *
 * <p>Its meters ({@link AuditMeters}: the snapshot meters and the topology's Kafka Streams meters)
 * go to the process's {@link ProcessMeters}, which the web server serves at {@code /metrics}.
 */
public final class AuditorApp implements AutoCloseable {
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(10);

  private final AuditorConfig config;
  private final KafkaSchemaStore schemas;
  private final BankTopics topics;
  private final AuditorTopics own;
  private final KafkaStreams streams;
  private final SnapshotStore store;
  private final ProcessMeters meters;
  private final boolean ownMeters;
  private final List<Consumer<AuditReport>> listeners = new CopyOnWriteArrayList<>();
  private final StreamsWatch watch = new StreamsWatch();
  private final TopologyStores stores;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object streamsLock = new Object();
  private volatile boolean closing;
  private volatile int reportPartitions;
  private AuditWebServer web;
  private ReportFollower follower;
  private DeepAuditWorker worker;
  private AuditMeters auditMeters;
  private Thread starter;

  /** An auditor with meters of its own. */
  public AuditorApp(AuditorConfig config) {
    this(config, null);
  }

  /**
   * An auditor whose meters go to {@code meters}, shared with the process's other parts (null: its
   * own, closed with it).
   */
  public AuditorApp(AuditorConfig config, ProcessMeters meters) {
    this.config = config;
    this.ownMeters = meters == null;
    this.meters = meters == null ? new ProcessMeters(config.prefix()) : meters;
    this.schemas =
        new KafkaSchemaStore(
            config.bootstrapServers(), config.clientOverrides(), BankTopics.of(config.prefix()));
    this.topics = BankTopics.of(config.prefix()).resolvingWith(schemas);
    this.own = new AuditorTopics(topics);
    this.streams =
        new KafkaStreams(AuditorTopology.build(config, topics), StreamsSettings.of(config));
    this.stores = new TopologyStores(streams);
    this.store =
        config.snapshotDir() == null
            ? null
            : new SnapshotStore(config.snapshotDir(), config.retainSnapshots());
  }

  public AuditorConfig config() {
    return config;
  }

  /**
   * Calls {@code listener} with every audit report read from the audit-reports topic (including
   * deep-audited updates), on the follower thread. A listener that throws is logged and kept.
   */
  public void onReport(Consumer<AuditReport> listener) {
    listeners.add(listener);
  }

  /** Starts the web server (if on), the follower, the deep-audit worker and the topology. Once. */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the auditor can be started once");
    }
    String client = config.applicationId();
    if (config.httpPort() >= 0) {
      web = new AuditWebServer(config.httpBind(), config.httpPort(), config.httpToken());
      web.onDeepAudit(this::deepAudit);
      web.onMetrics(meters::scrape);
      WebInquiries inquiries =
          new WebInquiries(
              config.bootstrapServers(),
              config.clientOverrides(),
              topics,
              config.deepAudit().readTimeout(),
              web::get);
      web.onWhy(inquiries::why);
      web.onDiff(inquiries::diff);
      web.onPending(() -> inquiries.pending(config.snapshotTimeout().multipliedBy(2)));
    }
    auditMeters = new AuditMeters(meters, streams, this::snapshotsInProgress);
    watch.watch(streams);
    worker =
        new DeepAuditWorker(
            new DeepAuditor(
                config.bootstrapServers(),
                config.clientOverrides(),
                topics,
                config.deepAudit().readTimeout()),
            own.deepAudits(),
            config.bootstrapServers(),
            config.clientOverrides(),
            client + "-deep-audit",
            config.deepAudit().queueCapacity());
    follower =
        new ReportFollower(
            config.bootstrapServers(),
            config.clientOverrides(),
            client + "-report-follower",
            topics.auditReports(),
            topics.epochs(),
            new ReportOutlets(
                web,
                store,
                auditMeters,
                listeners,
                worker,
                config.deepAudit().sample(),
                id -> ReportLayout.runsHere(streams, own, reportPartitions, id)));
    starter = new Thread(this::setUpThenStartStreams, client + "-starter");
    starter.setDaemon(true);
    starter.start();
    follower.start();
  }

  private void setUpThenStartStreams() {
    try {
      Optional<String> refused =
          AuditorSetup.prepare(
              config.bootstrapServers(),
              config.clientOverrides(),
              own,
              SETUP_TIMEOUT,
              () -> closing);
      if (refused.isPresent()) {
        watch.fail(refused.get());
        return;
      }
      Optional<ReportLayout.Outcome> layout =
          ReportLayout.await(
              config.bootstrapServers(),
              config.clientOverrides(),
              own,
              SETUP_TIMEOUT,
              () -> closing);
      if (layout.isEmpty()) {
        return; // closing
      }
      if (layout.get().refused() != null) {
        watch.fail(layout.get().refused());
        return;
      }
      reportPartitions = layout.get().layout().partitions();
    } catch (InterruptedException e) {
      return; // closing
    }
    synchronized (streamsLock) {
      if (!closing) {
        streams.start();
      }
    }
  }

  /** Waits until the topology is RUNNING (its tasks assigned and restored); false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return watch.awaitRunning(timeout);
  }

  /** Whether the topology is RUNNING now. */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * The token the web API's state-changing requests need (given, or generated at start), or empty
   * when the web page is off (or not started). Secret.
   */
  public Optional<ApiToken> httpToken() {
    return web == null ? Optional.empty() : Optional.of(web.token());
  }

  /** Port of the web page, or -1 when it is off (or not started). */
  public int httpPort() {
    return web == null ? -1 : web.port();
  }

  /** Why the auditor stopped working, if it did. */
  public Optional<String> failure() {
    Optional<String> failure = watch.failure();
    if (failure.isEmpty() && follower != null) {
      return follower.failure();
    }
    return failure;
  }

  /** The latest version of a snapshot's report seen on audit-reports. */
  public Optional<AuditReport> report(long snapshotId) {
    return follower == null ? Optional.empty() : follower.report(snapshotId);
  }

  /** Up to {@code n} of the latest reports, newest (highest snapshot id) first. */
  public List<AuditReport> latestReports(int n) {
    return follower == null ? List.of() : follower.latest(n);
  }

  /**
   * The topology's counters ({@code completed}, {@code aborted}, {@code deepAudited}, {@code
   * duplicate}, {@code late}, {@code unknownNode}, {@code quarantined}, {@code requested}); empty
   * until it runs.
   */
  public Map<String, Long> counters() {
    return stores.counters();
  }

  /** The snapshots pending in the topology (requested or reported, not decided); -1 if unknown. */
  public long snapshotsInProgress() {
    return stores.snapshotsInProgress();
  }

  /**
   * Deep-audits a snapshot whose report this auditor has seen: queues it for the deep-audit stage
   * and waits up to the configured answer timeout for the deep-audited report to come back on
   * audit-reports. An ABORTED report is answered as it is (nothing to deep-audit).
   */
  public DeepAuditAnswer deepAudit(long snapshotId) {
    Optional<AuditReport> r = report(snapshotId);
    if (r.isEmpty() || r.get().getStatus() == AuditStatus.ABORTED) {
      return DeepAuditAnswer.of(snapshotId, r);
    }
    CompletableFuture<AuditReport> seen = follower.nextDeepAudit(snapshotId);
    try {
      DeepAuditWorker.Submission s = worker.submit(r.get());
      if (s instanceof DeepAuditWorker.Refused refused) {
        return new DeepAuditAnswer.Refused(
            "deep audit of snapshot " + snapshotId + " not queued: " + refused.reason());
      }
      CompletableFuture<Void> written = ((DeepAuditWorker.Queued) s).written();
      Duration wait = config.deepAudit().answerTimeout();
      return new DeepAuditAnswer.Audited(
          written.thenCompose(v -> seen).get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return new DeepAuditAnswer.Queued(
          "the deep audit of snapshot "
              + snapshotId
              + " is queued; its report on audit-reports will be updated when it is done");
    } catch (ExecutionException e) {
      return new DeepAuditAnswer.Failed(
          "the deep audit of snapshot " + snapshotId + " failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DeepAuditAnswer.Refused("the auditor is stopping");
    } finally {
      follower.forget(snapshotId, seen);
    }
  }

  /** The bank's epoch log as read so far, oldest first. */
  public List<BankEpoch> epochs() {
    return follower.epochs();
  }

  /** Stops the follower, the worker, the topology (committing its state) and the web server. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    if (starter != null) {
      starter.interrupt();
      join(starter);
    }
    if (follower != null) {
      follower.close();
    }
    if (worker != null) {
      worker.close();
    }
    synchronized (streamsLock) {
      streams.close(Duration.ofSeconds(30));
    }
    if (web != null) {
      web.close();
    }
    if (auditMeters != null) {
      auditMeters.close();
    }
    if (ownMeters) {
      meters.close();
    }
    schemas.close();
  }

  private static void join(Thread t) {
    try {
      t.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
