package io.snapbank.auditor.app;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.store.SnapshotStore;
import io.snapbank.auditor.topology.AuditorTopology;
import io.snapbank.auditor.web.AuditWebServer;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor process, against any Kafka cluster ({@link AuditorConfig#bootstrapServers()}):
 *
 * <ul>
 *   <li>the Kafka Streams {@link AuditorTopology} (processing.guarantee=exactly_once_v2, commit
 *       interval 100 ms) that assembles and audits snapshots, aborts late ones and, if configured,
 *       requests snapshots;
 *   <li>a follower of {@code <prefix>.audit-reports} (read_committed) that keeps the latest
 *       reports, stores complete snapshots as files ({@link SnapshotStore}, when a snapshot
 *       directory is set), feeds the web page ({@link AuditWebServer}, when an HTTP port is set),
 *       notifies {@link #onReport listeners}, and deep-audits every n-th complete snapshot ({@link
 *       DeepAuditor}), writing the updated report to audit-reports under the same key.
 * </ul>
 *
 * <p>{@link #start()} starts everything, {@link #close()} stops it. On start the follower reads the
 * audit-reports topic from its beginning, so listeners, the web page and the files also see the
 * reports written before; sampled deep audits only run on reports that arrive after that.
 */
public final class AuditorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditorApp.class);
  private static final int KEEP = 200;

  private final AuditorConfig config;
  private final BankTopics topics;
  private final KafkaStreams streams;
  private final DeepAuditor deepAuditor;
  private final SnapshotStore store;
  private final List<Consumer<AuditReport>> listeners = new CopyOnWriteArrayList<>();
  private final TreeMap<Long, AuditReport> latest = new TreeMap<>();
  private final CountDownLatch running = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object deepAuditLock = new Object();
  private volatile boolean closing;
  private volatile String failure;
  private AuditWebServer web;
  private Thread follower;
  private KafkaConsumer<byte[], byte[]> followerConsumer;
  private KafkaProducer<byte[], byte[]> producer;
  private long completeSeen;

  public AuditorApp(AuditorConfig config) {
    this.config = config;
    this.topics = BankTopics.of(config.prefix());
    this.streams =
        new KafkaStreams(AuditorTopology.build(config, topics), StreamsSettings.of(config));
    this.deepAuditor = new DeepAuditor(config.bootstrapServers(), topics);
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

  /** Starts the web server (if on), the topology and the follower. Once only. */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the auditor can be started once");
    }
    if (config.httpPort() >= 0) {
      web = new AuditWebServer(config.httpPort());
      web.onDeepAudit(this::deepAudit);
    }
    streams.setUncaughtExceptionHandler(
        e -> {
          failure = "auditor stopped: " + e;
          LOG.error("auditor topology failed", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR && failure == null) {
            failure = "auditor topology in state ERROR";
          }
        });
    String client = config.applicationId();
    producer =
        KafkaClients.producer(
            config.bootstrapServers(), Map.of("client.id", client + "-deep-audit"));
    followerConsumer =
        KafkaClients.committedReader(
            config.bootstrapServers(),
            null,
            Map.of("client.id", client + "-follower", "fetch.max.wait.ms", "100"));
    follower = new Thread(this::follow, client + "-report-follower");
    follower.setDaemon(true);
    streams.start();
    follower.start();
  }

  /** Waits until the topology is RUNNING (its tasks assigned and restored); false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the topology is RUNNING now. */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Port of the web page, or -1 when it is off (or not started). */
  public int httpPort() {
    return web == null ? -1 : web.port();
  }

  /** Why the auditor stopped working, if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** The latest version of a snapshot's report seen on audit-reports. */
  public Optional<AuditReport> report(long snapshotId) {
    synchronized (latest) {
      return Optional.ofNullable(latest.get(snapshotId));
    }
  }

  /** Up to {@code n} of the latest reports, newest (highest snapshot id) first. */
  public List<AuditReport> latestReports(int n) {
    synchronized (latest) {
      List<AuditReport> out = new ArrayList<>(latest.descendingMap().values());
      return Collections.unmodifiableList(new ArrayList<>(out.subList(0, Math.min(n, out.size()))));
    }
  }

  /**
   * The topology's counters ({@code completed}, {@code aborted}, {@code duplicate}, {@code late},
   * {@code unknownNode}, {@code quarantined}, {@code requested}, ...); empty until it runs.
   */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    try {
      ReadOnlyKeyValueStore<String, Long> s =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  AuditorTopology.COUNTERS_STORE,
                  QueryableStoreTypes.<String, Long>keyValueStore()));
      try (KeyValueIterator<String, Long> it = s.all()) {
        it.forEachRemaining(kv -> out.put(kv.key, kv.value));
      }
    } catch (InvalidStateStoreException e) {
      // not running (yet): no counters to show
    }
    return out;
  }

  /**
   * Deep-audits a snapshot whose report this auditor has seen, now, and publishes the updated
   * report to audit-reports. Empty when the snapshot is unknown; an ABORTED report is returned as
   * it is.
   */
  public Optional<AuditReport> deepAudit(long snapshotId) {
    Optional<AuditReport> r = report(snapshotId);
    if (r.isEmpty() || r.get().getStatus() == AuditStatus.ABORTED) {
      return r;
    }
    return Optional.of(deepAuditAndPublish(r.get()));
  }

  private AuditReport deepAuditAndPublish(AuditReport r) {
    if (producer == null) {
      throw new IllegalStateException("the auditor is not started");
    }
    synchronized (deepAuditLock) {
      AuditReport audited = deepAuditor.audit(r);
      try {
        producer
            .send(
                new ProducerRecord<>(
                    topics.auditReports().name(),
                    Long.toString(r.getSnapshotId()).getBytes(StandardCharsets.UTF_8),
                    topics.auditReports().encode(audited)))
            .get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted publishing the deep audit of snapshot " + r.getSnapshotId(), e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            "cannot publish the deep audit of snapshot " + r.getSnapshotId() + ": " + e, e);
      }
      remember(audited);
      return audited;
    }
  }

  private void follow() {
    String topic = topics.auditReports().name();
    try (KafkaConsumer<byte[], byte[]> consumer = followerConsumer) {
      List<TopicPartition> tps = partitions(consumer, topic);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> historyEnd = historyEnd(consumer, tps);
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          if (rec.value() == null) {
            continue;
          }
          AuditReport r;
          try {
            r = topics.auditReports().decode(rec.value());
          } catch (RecordDecodingException e) {
            LOG.warn(
                "skipping undecodable audit report at {}/{}/{}: {}",
                rec.topic(),
                rec.partition(),
                rec.offset(),
                e.getMessage());
            continue;
          }
          long end = historyEnd.getOrDefault(new TopicPartition(rec.topic(), rec.partition()), 0L);
          handle(r, rec.offset() < end);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closing) {
        failure = "audit report follower stopped: " + e;
        LOG.error("audit report follower stopped", e);
      }
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null) {
        infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      }
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("cannot list the partitions of {}: {}", topic, e.getMessage());
    }
    if (tps.isEmpty()) {
      tps.add(new TopicPartition(topic, 0));
    }
    return tps;
  }

  private static Map<TopicPartition, Long> historyEnd(
      KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps) {
    try {
      return consumer.endOffsets(tps, Duration.ofSeconds(10));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      return Map.of();
    }
  }

  private void handle(AuditReport r, boolean history) {
    remember(r);
    boolean complete = r.getStatus() != AuditStatus.ABORTED;
    if (complete && store != null) {
      try {
        store.store(r);
      } catch (RuntimeException e) {
        LOG.error("cannot store snapshot {}", r.getSnapshotId(), e);
      }
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
        && config.deepAuditSample() > 0
        && ++completeSeen % config.deepAuditSample() == 0) {
      try {
        deepAuditAndPublish(r);
      } catch (RuntimeException e) {
        LOG.error("deep audit of snapshot {} failed", r.getSnapshotId(), e);
      }
    }
  }

  private void remember(AuditReport r) {
    synchronized (latest) {
      latest.put(r.getSnapshotId(), r);
      while (latest.size() > KEEP) {
        latest.pollFirstEntry();
      }
    }
    if (web != null) {
      web.add(r);
    }
  }

  /** Stops the follower, the topology (committing its state), the producer and the web server. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    if (followerConsumer != null) {
      followerConsumer.wakeup();
    }
    if (follower != null) {
      try {
        follower.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    streams.close(Duration.ofSeconds(30));
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (web != null) {
      web.close();
    }
  }
}
