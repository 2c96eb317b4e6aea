package io.snapbank.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The settings of a fault run, from system properties: {@code faults.seed} (default random), {@code
 * faults.duration} (seconds of faults, default 45; a fault that starts late, the broker pause above
 * all, ends after them), {@code faults.brokers} (1 or 3, default 3), {@code faults.nodes} (default
 * 3) and {@code faults.pauseBeyondTxnTimeout} (default true: a broker pause outlasts the clients'
 * request and transaction timeouts; false keeps it well below them).
 */
record FaultSettings(
    long seed,
    Duration duration,
    int brokers,
    int nodes,
    boolean pauseBeyondTxnTimeout,
    Path workDir,
    Path schemaDir) {

  /**
   * The nodes' transaction.timeout.ms and the clients' request.timeout.ms (KafkaClients and Kafka's
   * default): a pause beyond both leaves commits whose outcome the client cannot know.
   */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  FaultSettings {
    if (brokers != 1 && brokers != 3) {
      throw new IllegalArgumentException("faults.brokers must be 1 or 3, not " + brokers);
    }
    if (nodes < 2) {
      throw new IllegalArgumentException("faults.nodes must be at least 2, not " + nodes);
    }
  }

  /** The settings the system properties give. */
  static FaultSettings fromSystemProperties() {
    String seed = System.getProperty("faults.seed", "");
    return new FaultSettings(
        seed.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed.strip()),
        Duration.ofSeconds(Long.getLong("faults.duration", 45)),
        Integer.getInteger("faults.brokers", 3),
        Integer.getInteger("faults.nodes", 3),
        Boolean.parseBoolean(System.getProperty("faults.pauseBeyondTxnTimeout", "true")),
        Path.of(System.getProperty("faults.workDir", "target/faults")),
        defaultSchemaDir());
  }

  /** The same settings with another duration. */
  FaultSettings withDuration(Duration d) {
    return new FaultSettings(seed, d, brokers, nodes, pauseBeyondTxnTimeout, workDir, schemaDir);
  }

  /** How long a broker pause lasts: beyond the client timeouts, or well below them. */
  Duration brokerPause() {
    return pauseBeyondTxnTimeout ? CLIENT_TIMEOUT.plusSeconds(5) : Duration.ofSeconds(6);
  }

  private static Path defaultSchemaDir() {
    Path configured = Path.of(System.getProperty("faults.schemaDir", "../schemas/src/main/avro"));
    return configured.toFile().isDirectory() ? configured : Path.of("../schemas/src/main/avro");
  }
}
