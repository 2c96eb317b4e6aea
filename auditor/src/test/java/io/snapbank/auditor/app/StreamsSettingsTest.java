package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapbank.auditor.config.AuditorConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
  private static final Path STATE = Path.of("state");

  @Test
  void when_the_streams_settings_are_built_then_exactly_once_v2_and_a_short_commit_interval() {
    AuditorConfig c = AuditorConfig.of("b:1", "bank", STATE);
    Properties p = StreamsSettings.of(c);
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("100", p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    assertEquals("bank-auditor", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals("b:1", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals(STATE.toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
  }
}
