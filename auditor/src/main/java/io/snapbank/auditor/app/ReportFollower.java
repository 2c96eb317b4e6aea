package io.snapbank.auditor.app;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the audit-reports topic and the bank's epoch log (read_committed, from their beginning)
 * on its own thread: keeps the epochs and the latest version of the latest {@value #KEEP}
 * snapshots' reports, hands every report to a {@link Handler} (telling whether it was already in
 * the topic when the follower started), and completes the futures of callers waiting for a
 * snapshot's next deep-audited report ({@link #nextDeepAudit}). An undecodable report is logged and
 * skipped: the topology is its only writer.
 */
final class ReportFollower implements AutoCloseable {
  /** Receives every report read, on the follower thread. */
  interface Handler {
    /**
     * @param history true for a report already in the topic when the follower started
     */
    void handle(AuditReport report, boolean history);

    /** An entry of the bank's epoch log (a restore or a membership change). */
    default void epoch(BankEpoch epoch) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReportFollower.class);
  private static final int KEEP = 200;

  private final Topic<String, AuditReport> topic;
  private final Topic<String, BankEpoch> epochTopic;
  private final TreeMap<Long, BankEpoch> epochs = new TreeMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Handler handler;
  private final Thread thread;
  private final TreeMap<Long, AuditReport> latest = new TreeMap<>();
  private final Map<Long, List<CompletableFuture<AuditReport>>> waiting = new HashMap<>();
  private volatile boolean closing;
  private volatile String failure;

  ReportFollower(
      String bootstrap,
      Map<String, String> overrides,
      String clientId,
      Topic<String, AuditReport> topic,
      Topic<String, BankEpoch> epochTopic,
      Handler handler) {
    this.topic = topic;
    this.epochTopic = epochTopic;
    this.handler = handler;
    Map<String, String> client = new HashMap<>(overrides);
    client.put("client.id", clientId);
    client.put("fetch.max.wait.ms", "100");
    this.consumer = KafkaClients.committedReader(bootstrap, null, client);
    this.thread = new Thread(this::follow, clientId);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Why the follower stopped, if it did. */
  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** The bank's epoch log read so far, oldest first. */
  List<BankEpoch> epochs() {
    synchronized (epochs) {
      return List.copyOf(epochs.values());
    }
  }

  /** The latest version of a snapshot's report read so far. */
  Optional<AuditReport> report(long snapshotId) {
    synchronized (latest) {
      return Optional.ofNullable(latest.get(snapshotId));
    }
  }

  /** Up to {@code n} of the latest reports, newest (highest snapshot id) first. */
  List<AuditReport> latest(int n) {
    synchronized (latest) {
      List<AuditReport> out = new ArrayList<>(latest.descendingMap().values());
      return Collections.unmodifiableList(new ArrayList<>(out.subList(0, Math.min(n, out.size()))));
    }
  }

  /**
   * Completes with the first report of {@code snapshotId} carrying a deep audit that the follower
   * reads after this call. Call {@link #forget} when no longer waiting.
   */
  CompletableFuture<AuditReport> nextDeepAudit(long snapshotId) {
    CompletableFuture<AuditReport> f = new CompletableFuture<>();
    synchronized (waiting) {
      waiting.computeIfAbsent(snapshotId, k -> new ArrayList<>()).add(f);
    }
    return f;
  }

  /** Stops waiting with {@code f}. */
  void forget(long snapshotId, CompletableFuture<AuditReport> f) {
    synchronized (waiting) {
      List<CompletableFuture<AuditReport>> l = waiting.get(snapshotId);
      if (l != null && l.remove(f) && l.isEmpty()) {
        waiting.remove(snapshotId);
      }
    }
  }

  private void follow() {
    try (KafkaConsumer<byte[], byte[]> c = consumer) {
      List<TopicPartition> tps = new ArrayList<>(partitions(c));
      TopicPartition epochLog = new TopicPartition(epochTopic.name(), 0);
      if (!c.partitionsFor(epochLog.topic(), Duration.ofSeconds(10)).isEmpty()) {
        tps.add(epochLog);
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> historyEnd = historyEnd(c, tps);
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          long end = historyEnd.getOrDefault(new TopicPartition(rec.topic(), rec.partition()), 0L);
          read(rec, rec.offset() < end);
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

  private void read(ConsumerRecord<byte[], byte[]> rec, boolean history) {
    if (rec.value() == null) {
      return;
    }
    if (rec.topic().equals(epochTopic.name())) {
      readEpoch(rec);
      return;
    }
    AuditReport r;
    try {
      r = topic.decode(rec.value());
    } catch (RecordDecodingException e) {
      LOG.warn(
          "skipping undecodable audit report at {}/{}/{}: {}",
          rec.topic(),
          rec.partition(),
          rec.offset(),
          e.getMessage());
      return;
    }
    synchronized (latest) {
      latest.put(r.getSnapshotId(), r);
      while (latest.size() > KEEP) {
        latest.pollFirstEntry();
      }
    }
    handler.handle(r, history);
    if (r.getDeepAudit() != null) {
      List<CompletableFuture<AuditReport>> done;
      synchronized (waiting) {
        done = waiting.remove(r.getSnapshotId());
      }
      if (done != null) {
        done.forEach(f -> f.complete(r));
      }
    }
  }

  private void readEpoch(ConsumerRecord<byte[], byte[]> rec) {
    BankEpoch e;
    try {
      e = epochTopic.decode(rec.value());
    } catch (RecordDecodingException ex) {
      LOG.warn("skipping undecodable epoch record at offset {}: {}", rec.offset(), ex.getMessage());
      return;
    }
    synchronized (epochs) {
      epochs.put(e.getEpoch(), e);
    }
    handler.epoch(e);
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
    List<TopicPartition> tps = new ArrayList<>();
    try {
      List<PartitionInfo> infos = c.partitionsFor(topic.name(), Duration.ofSeconds(10));
      if (infos != null) {
        infos.forEach(i -> tps.add(new TopicPartition(topic.name(), i.partition())));
      }
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("cannot list the partitions of {}: {}", topic.name(), e.getMessage());
    }
    if (tps.isEmpty()) {
      tps.add(new TopicPartition(topic.name(), 0));
    }
    return tps;
  }

  private static Map<TopicPartition, Long> historyEnd(
      KafkaConsumer<byte[], byte[]> c, List<TopicPartition> tps) {
    try {
      return c.endOffsets(tps, Duration.ofSeconds(10));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      return Map.of();
    }
  }

  /** Stops the thread; waiting futures complete exceptionally. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    if (thread.isAlive()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(Duration.ZERO);
    }
    synchronized (waiting) {
      waiting.values().forEach(l -> l.forEach(f -> f.cancel(false)));
      waiting.clear();
    }
  }
}
