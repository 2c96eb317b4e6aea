package io.snapbank.auditor.app;

import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deep-audit stage's worker: one thread and a bounded queue, apart from the report follower and
 * the topology. For each queued report it re-reads the channel ranges ({@link DeepAuditor}) and
 * writes the result to {@code <prefix>.deep-audits}, keyed by the snapshot id; the topology merges
 * it into the snapshot's report and publishes that on audit-reports. The worker never writes
 * audit-reports itself. A snapshot already queued is not queued again.
 */
final class DeepAuditWorker implements AutoCloseable {
  /** What became of a request to deep-audit a snapshot. */
  sealed interface Submission permits Queued, Refused {}

  /** Queued (or already queued): {@code written} completes once the result is on the topic. */
  record Queued(CompletableFuture<Void> written) implements Submission {}

  /** Not queued, and why. */
  record Refused(String reason) implements Submission {}

  private static final Logger LOG = LoggerFactory.getLogger(DeepAuditWorker.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final DeepAuditor auditor;
  private final Topic<String, DeepAuditResult> topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ThreadPoolExecutor executor;
  private final Map<Long, CompletableFuture<Void>> queued = new ConcurrentHashMap<>();

  DeepAuditWorker(
      DeepAuditor auditor,
      Topic<String, DeepAuditResult> topic,
      String bootstrap,
      Map<String, String> overrides,
      String clientId,
      int capacity) {
    this.auditor = auditor;
    this.topic = topic;
    Map<String, String> client = new HashMap<>(overrides);
    client.put("client.id", clientId);
    this.producer = KafkaClients.producer(bootstrap, client);
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(capacity),
            r -> {
              Thread t = new Thread(r, clientId);
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues a deep audit of {@code report}'s snapshot, unless the queue is full or closed. */
  synchronized Submission submit(AuditReport report) {
    long id = report.getSnapshotId();
    CompletableFuture<Void> pending = queued.get(id);
    if (pending != null) {
      return new Queued(pending);
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    queued.put(id, written);
    try {
      executor.execute(() -> run(report, written));
    } catch (RejectedExecutionException e) {
      queued.remove(id);
      return new Refused(
          executor.isShutdown()
              ? "the auditor is stopping"
              : "the deep-audit queue is full (" + executor.getQueue().size() + " waiting)");
    }
    return new Queued(written);
  }

  private void run(AuditReport report, CompletableFuture<Void> written) {
    long id = report.getSnapshotId();
    try {
      DeepAuditResult result = auditor.read(report);
      producer
          .send(
              new ProducerRecord<>(
                  topic.name(),
                  Long.toString(id).getBytes(StandardCharsets.UTF_8),
                  topic.encode(result)))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      written.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      written.completeExceptionally(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.error("deep audit of snapshot {} failed", id, e);
      written.completeExceptionally(e instanceof ExecutionException ? e.getCause() : e);
    } finally {
      queued.remove(id, written);
    }
  }

  /** Stops the worker (a running deep audit is interrupted) and its producer. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queued.values().forEach(f -> f.cancel(false));
    producer.close(Duration.ofSeconds(5));
  }
}
