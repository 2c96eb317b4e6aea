package io.snapbank.node.kafka;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The snapshots-under-load scenario on the official Kafka image through Testcontainers, where a
 * Docker engine is available; skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class SnapshotsOnContainerKafkaTest {
  @Container
  static final KafkaContainer KAFKA =
      new KafkaContainer("apache/kafka:4.3.1")
          .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
          .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");

  @Test
  void when_20_snapshots_are_taken_on_container_kafka_then_each_conserves_the_total()
      throws Exception {
    SnapshotsUnderLoadTest.scenario(KAFKA.getBootstrapServers(), "container");
  }
}
