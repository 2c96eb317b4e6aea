package io.snapbank.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.NodeProbe;
import io.snapbank.node.kafka.NodeStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * One bank node's meters, tagged {@code node=<id>}: its figures as of its last commit ({@link
 * NodeStats}: transfers sent, made locally, credited, refused for lack of funds, quarantined by
 * reason, local snapshots, transactions committed and aborted), the commit latency, the lag of each
 * incoming channel, and the Kafka meters of its producer and consumer (Micrometer's {@link
 * KafkaClientMetrics}). {@link #bind} observes the node through its {@link NodeProbe}, so it must
 * be called before the node runs; when the node stops, its meters are removed from the registry.
 */
public final class NodeMeters implements NodeProbe, AutoCloseable {
  /** The commit latency histogram's buckets. */
  static final Duration[] COMMIT_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final BankNode node;
  private final MeterRegistry registry;
  private final ProcessMeters process;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Timer commitLatency;
  private KafkaClientMetrics producerMeters;
  private KafkaClientMetrics consumerMeters;
  private boolean closed;

  private NodeMeters(BankNode node, ProcessMeters process) {
    this.node = node;
    this.process = process;
    this.registry = process.registry();
    this.tags = Tags.of("node", Integer.toString(node.nodeId()));
    counter(
        "snapbank.transfers.sent", "remote transfers sent, committed", NodeStats::transfersSent);
    counter(
        "snapbank.transfers.local",
        "transfers between two accounts of the node, committed",
        NodeStats::localTransfers);
    counter(
        "snapbank.transfers.credited",
        "remote transfers received and credited, committed",
        NodeStats::credits);
    counter(
        "snapbank.transfers.rejected",
        "generated transfers refused for lack of funds",
        NodeStats::rejected);
    for (QuarantineReason reason : QuarantineReason.values()) {
      meters.add(
          FunctionCounter.builder(
                  "snapbank.transfers.quarantined",
                  node,
                  n -> n.stats().quarantined().getOrDefault(reason.name(), 0L))
              .description("records set aside on the quarantine topic, by reason")
              .tags(tags.and("reason", reason.name()))
              .register(registry));
    }
    counter(
        "snapbank.node.snapshots.recorded",
        "local snapshots this node reported",
        NodeStats::snapshotsCompleted);
    counter(
        "snapbank.node.snapshots.dropped",
        "snapshots this node dropped on an abort",
        NodeStats::snapshotsAborted);
    counter(
        "snapbank.transactions.committed",
        "Kafka transactions the node committed",
        NodeStats::commits);
    counter(
        "snapbank.transactions.aborted",
        "Kafka transactions the node aborted (and rewound to its last commit)",
        NodeStats::aborts);
    counter(
        "snapbank.transactions.resumed",
        "transactions the coordinator aborted (timeout) after which the node resumed from its last"
            + " commit",
        NodeStats::resumes);
    commitLatency =
        Timer.builder("snapbank.commit.latency")
            .description("time to commit one transaction (offsets sent to commit returned)")
            .tags(tags)
            .serviceLevelObjectives(COMMIT_BUCKETS)
            .register(registry);
    meters.add(commitLatency);
  }

  /**
   * Binds {@code node}'s meters to {@code process}'s registry and observes the node; call before
   * the node runs.
   */
  public static NodeMeters bind(BankNode node, ProcessMeters process) {
    NodeMeters m = new NodeMeters(node, process);
    node.observe(m);
    return m;
  }

  private void counter(String name, String description, ToDoubleFunction<NodeStats> f) {
    meters.add(
        FunctionCounter.builder(name, node, n -> f.applyAsDouble(n.stats()))
            .description(description)
            .tags(tags)
            .register(registry));
  }

  @Override
  public synchronized void producerOpened(Producer<?, ?> producer) {
    if (closed) {
      return;
    }
    if (producerMeters != null) {
      producerMeters.close();
    }
    producerMeters =
        new KafkaClientMetrics(producer, tags, process.kafkaRefresh(), ProcessMeters.KAFKA_REFRESH);
    producerMeters.bindTo(registry);
  }

  @Override
  public synchronized void consumerOpened(Consumer<?, ?> consumer) {
    if (closed) {
      return;
    }
    if (consumerMeters != null) {
      consumerMeters.close();
    }
    consumerMeters =
        new KafkaClientMetrics(consumer, tags, process.kafkaRefresh(), ProcessMeters.KAFKA_REFRESH);
    consumerMeters.bindTo(registry);
  }

  @Override
  public void committed(long nanos) {
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void incomingLag(int sender, long records) {
    AtomicLong v = lag.get(sender);
    if (v == null) {
      synchronized (this) {
        if (closed) {
          return;
        }
        v = lag.computeIfAbsent(sender, s -> new AtomicLong());
        meters.add(
            Gauge.builder("snapbank.incoming.lag", v, AtomicLong::get)
                .description("records of the incoming channel from node 'from' not read yet")
                .baseUnit("records")
                .tags(tags.and("from", Integer.toString(sender)))
                .register(registry));
      }
    }
    v.set(records);
  }

  @Override
  public void stopped() {
    close();
  }

  /** Removes every meter of the node from the registry. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (producerMeters != null) {
      producerMeters.close();
    }
    if (consumerMeters != null) {
      consumerMeters.close();
    }
    meters.forEach(registry::remove);
    meters.clear();
  }
}
