package io.snapbank.auditor.app;

import io.snapbank.auditor.config.AuditorConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings of the auditor's topology. */
public final class StreamsSettings {
  private StreamsSettings() {}

  /**
   * Exactly-once v2, a 100 ms commit interval, one stream thread, reading from the earliest offset,
   * and static membership so that a restarted auditor takes over at once instead of waiting for the
   * killed one's session to expire. The static member id is derived from the state directory, so
   * several instances (each with its own state directory) share the work and a restarted one comes
   * back as itself. The client overrides (security) apply to every client of the application.
   */
  public static Properties of(AuditorConfig config) {
    Properties p = new Properties();
    p.putAll(config.clientOverrides());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        config.applicationId() + "-" + instance(config));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
    return p;
  }

  /** The instance's name in the group: a hash of its absolute state directory. */
  public static String instance(AuditorConfig config) {
    String dir = config.stateDir().toAbsolutePath().normalize().toString();
    return String.format("%08x", dir.hashCode());
  }
}
