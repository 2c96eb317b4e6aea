package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.schemas.kafka.Replication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
  private static final Path STATE = Path.of("state");

  @Test
  void when_the_streams_settings_are_built_then_exactly_once_v2_and_a_short_commit_interval() {
    AuditorConfig c = AuditorConfig.of("b:1", "bank", STATE);
    Properties p = StreamsSettings.of(c, Optional.of(Replication.SINGLE));
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("50", p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    Properties slower =
        StreamsSettings.of(c.withCommitInterval(Duration.ofMillis(400)), Optional.empty());
    assertEquals("400", slower.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    assertEquals("bank-auditor", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals("b:1", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals(STATE.toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
    assertEquals("1", p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
    assertFalse(p.containsKey(StreamsConfig.topicPrefix("min.insync.replicas")));
  }

  @Test
  void when_the_cluster_has_three_brokers_then_internal_topics_get_factor_3_and_min_isr_2() {
    AuditorConfig c = AuditorConfig.of("b:1", "bank", STATE);
    Properties p = StreamsSettings.of(c, Optional.of(Replication.forBrokers(5)));
    assertEquals("3", p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
    assertEquals("2", p.get(StreamsConfig.topicPrefix("min.insync.replicas")));
    Properties unknown = StreamsSettings.of(c, Optional.empty());
    assertEquals("-1", unknown.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
  }
}
