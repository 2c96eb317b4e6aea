package io.snapbank.auditor.app;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.schemas.kafka.Replication;
import io.snapbank.schemas.kafka.TopicCreation;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka Streams settings of the auditor's topology. */
public final class StreamsSettings {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsSettings.class);

  /**
   * How long the auditor waits at construction for Kafka to say how large the cluster is: a
   * reachable cluster answers in milliseconds, and one that does not answer leaves the brokers'
   * defaults, so the wait is short.
   */
  static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(3);

  private StreamsSettings() {}

  /**
   * {@link #of(AuditorConfig, Optional)} with the {@link Replication} of the cluster, as {@code
   * init} chose it for the bank's topics: asked of Kafka now. When Kafka does not answer within
   * {@link #DESCRIBE_TIMEOUT}, the internal topics take the brokers' defaults ({@code
   * default.replication.factor}, {@code min.insync.replicas}), which snapbank's clusters set to the
   * same values; a warning says so.
   */
  public static Properties of(AuditorConfig config) {
    return of(config, replicationOf(config));
  }

  /**
   * Exactly-once v2, the configured commit interval and 20 ms polls (a snapshot's request and its
   * assembled report each wait for a commit, and a report passes through {@code audit-inputs}
   * first: the interval is paid two to three times per snapshot), one stream thread, reading from
   * the earliest offset, and static membership so that a restarted auditor takes over at once
   * instead of waiting for the killed one's session to expire. The static member id is derived from
   * the state directory, so several instances (each with its own state directory) share the work
   * and a restarted one comes back as itself. The client overrides (security) apply to every client
   * of the application. The internal topics (changelogs, repartition topics) are replicated as
   * {@code replication} says, or as the brokers' defaults when it is empty.
   */
  public static Properties of(AuditorConfig config, Optional<Replication> replication) {
    Properties p = new Properties();
    p.putAll(config.clientOverrides());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitInterval().toMillis()));
    p.put(StreamsConfig.POLL_MS_CONFIG, "20");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        config.applicationId() + "-" + instance(config));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
    // -1: the brokers' default.replication.factor
    p.put(
        StreamsConfig.REPLICATION_FACTOR_CONFIG,
        Integer.toString(replication.map(r -> (int) r.factor()).orElse(-1)));
    replication.ifPresent(
        r -> r.topicConfig().forEach((k, v) -> p.put(StreamsConfig.topicPrefix(k), v)));
    return p;
  }

  /** The instance's name in the group: a hash of its absolute state directory. */
  public static String instance(AuditorConfig config) {
    String dir = config.stateDir().toAbsolutePath().normalize().toString();
    return String.format("%08x", dir.hashCode());
  }

  private static Optional<Replication> replicationOf(AuditorConfig config) {
    try (Admin admin =
        TopicCreation.admin(
            config.bootstrapServers(), config.clientOverrides(), DESCRIBE_TIMEOUT)) {
      return Optional.of(Replication.of(admin, DESCRIBE_TIMEOUT));
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      LOG.warn(
          "cannot ask Kafka how large the cluster is ({}); the auditor's internal topics take the"
              + " brokers' default replication",
          e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
