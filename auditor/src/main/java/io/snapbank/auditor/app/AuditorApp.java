package io.snapbank.auditor.app;

import io.snapbank.auditor.store.SnapshotStore;
import io.snapbank.auditor.topology.AuditorTopology;
import io.snapbank.auditor.web.AuditWebServer;
import io.snapbank.node.kafka.KafkaClients;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * The auditor process: the Kafka Streams topology (exactly-once v2) that assembles and audits
 * snapshots, plus a follower of the audit-reports topic that stores complete snapshots as files,
 * runs sampled and on-demand deep audits, serves the web page and notifies listeners. Start with
 * {@link #start()}, stop with {@link #close()}.
 */
public final class AuditorApp implements AutoCloseable {
  private final AuditorConfig config;
  private final BankTopics topics;
  private final KafkaStreams streams;
  private final List<Consumer<AuditReport>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch running = new CountDownLatch(1);
  private final DeepAuditor deepAuditor;
  private final SnapshotStore store;
  private AuditWebServer web;
  private Thread follower;
  private KafkaConsumer<byte[], byte[]> followerConsumer;
  private KafkaProducer<byte[], byte[]> producer;
  private volatile boolean closing;
  private volatile String failure;
  private long completeSeen;

  public AuditorApp(AuditorConfig config) {
    this.config = config;
    this.topics = BankTopics.of(config.prefix());
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // one auditor per bank: a restarted instance takes over its static membership at once
    // instead of waiting for the killed one's session to expire
    p.put(StreamsConfig.mainConsumerPrefix("group.instance.id"), config.applicationId() + "-1");
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
    this.streams = new KafkaStreams(AuditorTopology.build(config, topics), p);
    this.deepAuditor = new DeepAuditor(config.bootstrapServers(), topics);
    this.store = config.snapshotDir() == null ? null : new SnapshotStore(config.snapshotDir(), config.retainSnapshots());
  }

  /** Called on the follower thread with every audit report (and every deep-audited update). */
  public void onReport(Consumer<AuditReport> listener) {
    listeners.add(listener);
  }

  public void start() {
    streams.setUncaughtExceptionHandler(e -> {
      failure = "auditor stopped: " + e;
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    if (config.httpPort() >= 0) {
      web = new AuditWebServer(config.httpPort());
      web.onDeepAudit(this::deepAudit);
    }
    producer = KafkaClients.producer(config.bootstrapServers(), Map.of());
    followerConsumer = KafkaClients.committedReader(config.bootstrapServers(), null, Map.of("fetch.max.wait.ms", "100"));
    follower = new Thread(this::follow, "audit-report-follower");
    follower.setDaemon(true);
    streams.start();
    follower.start();
  }

  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Port of the web page, or -1 when it is off. */
  public int httpPort() {
    return web == null ? -1 : web.port();
  }

  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Runs a deep audit of a known snapshot now and publishes the updated report. */
  public synchronized Optional<AuditReport> deepAudit(long snapshotId) {
    Optional<AuditReport> r = web == null ? Optional.empty() : web.get(snapshotId);
    return r.map(this::deepAuditAndPublish);
  }

  private AuditReport deepAuditAndPublish(AuditReport r) {
    AuditReport audited = deepAuditor.audit(r);
    producer.send(new ProducerRecord<>(topics.auditReports().name(), 0,
        Long.toString(r.getSnapshotId()).getBytes(StandardCharsets.UTF_8), topics.auditReports().encode(audited)));
    producer.flush();
    return audited;
  }

  private void follow() {
    TopicPartition tp = new TopicPartition(topics.auditReports().name(), 0);
    try {
      followerConsumer.assign(List.of(tp));
      followerConsumer.seekToBeginning(List.of(tp));
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> rec : followerConsumer.poll(Duration.ofMillis(200))) {
          if (rec.value() == null) {
            continue;
          }
          AuditReport r;
          try {
            r = topics.auditReports().decode(rec.value());
          } catch (RecordDecodingException e) {
            continue; // written by someone else; the topology quarantines what it reads, this is a view
          }
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closing) {
        failure = "audit report follower stopped: " + e;
      }
    }
  }

  private void handle(AuditReport r) {
    if (web != null) {
      web.add(r);
    }
    boolean complete = r.getStatus() != AuditStatus.ABORTED;
    if (complete && store != null) {
      store.store(r);
    }
    for (Consumer<AuditReport> l : listeners) {
      l.accept(r);
    }
    if (complete && r.getDeepAudit() == null && config.deepAuditEvery() > 0
        && ++completeSeen % config.deepAuditEvery() == 0) {
      synchronized (this) {
        deepAuditAndPublish(r);
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    if (followerConsumer != null) {
      followerConsumer.wakeup();
    }
    if (follower != null) {
      try {
        follower.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    streams.close(Duration.ofSeconds(30));
    if (followerConsumer != null) {
      followerConsumer.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (web != null) {
      web.close();
    }
  }
}
