package io.snapbank.auditor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditorConfigTest {
  private static final Path STATE = Path.of("state");

  @Test
  void when_only_the_essentials_are_given_then_the_documented_defaults_apply() {
    AuditorConfig c = AuditorConfig.of("localhost:9092", "bank", STATE);
    assertEquals("bank-auditor", c.applicationId());
    assertEquals(Duration.ofSeconds(30), c.snapshotTimeout());
    assertEquals(Duration.ofSeconds(1), c.punctuateInterval());
    assertEquals(Duration.ZERO, c.requestPeriod(), "scheduled requests are off by default");
    assertEquals(20, c.retainSnapshots());
    assertNull(c.snapshotDir());
    assertEquals(-1, c.httpPort());
    assertEquals(0, c.deepAuditSample());
  }

  @Test
  void when_with_methods_are_used_then_only_that_setting_changes() {
    AuditorConfig c =
        AuditorConfig.of("b:1", "bank", STATE)
            .withTimeout(Duration.ofSeconds(5))
            .withPunctuateInterval(Duration.ofMillis(200))
            .withRequestPeriod(Duration.ofSeconds(2))
            .withStorage(Path.of("snaps"), 3)
            .withHttpPort(0)
            .withDeepAuditSample(4)
            .withApplicationId("other");
    assertEquals(
        new AuditorConfig(
            "b:1",
            "bank",
            "other",
            STATE,
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            3,
            Path.of("snaps"),
            0,
            DeepAuditSettings.DEFAULTS.withSample(4),
            Map.of(),
            AuditorConfig.DEFAULT_HTTP_BIND,
            null,
            AuditorConfig.DEFAULT_COMMIT_INTERVAL),
        c);
    assertEquals(7, c.withDeepAuditEvery(7).deepAuditSample());
  }

  @Test
  void when_client_overrides_and_a_token_are_set_then_to_string_shows_neither_value() {
    AuditorConfig c =
        AuditorConfig.of("b:1", "bank", STATE)
            .withClientOverrides(
                Map.of(
                    "security.protocol",
                    "SASL_SSL",
                    "sasl.jaas.config",
                    "ScramLoginModule required username=\"auditor\" password=\"s3cret-value\";"))
            .withHttpToken(new ApiToken("token-value-0123456789"))
            .withHttpBind("0.0.0.0");
    assertEquals("0.0.0.0", c.httpBind());
    assertEquals("SASL_SSL", c.clientOverrides().get("security.protocol"));
    String shown = c.toString();
    assertFalse(shown.contains("s3cret-value") || shown.contains("token-value"), shown);
    assertTrue(shown.contains("sasl.jaas.config"), shown);
    assertEquals("127.0.0.1", AuditorConfig.of("b:1", "bank", STATE).httpBind());
    assertNull(AuditorConfig.of("b:1", "bank", STATE).httpToken(), "generated at start");
    assertThrows(IllegalArgumentException.class, () -> new ApiToken("short"));
    assertThrows(IllegalArgumentException.class, () -> new ApiToken("has a space in it 12345"));
    ApiToken t = new ApiToken("token-value-0123456789");
    assertTrue(t.matches("token-value-0123456789"));
    assertFalse(t.matches("token-value-012345678"));
    assertFalse(t.matches("token-value-01234567890"));
    assertFalse(t.matches(null));
  }

  @Test
  void when_a_setting_is_out_of_range_then_construction_fails_with_a_message() {
    AuditorConfig c = AuditorConfig.of("b:1", "bank", STATE);
    assertThrows(IllegalArgumentException.class, () -> AuditorConfig.of(" ", "bank", STATE));
    assertThrows(
        IllegalArgumentException.class, () -> AuditorConfig.of("b:1", "bad prefix", STATE));
    assertThrows(IllegalArgumentException.class, () -> AuditorConfig.of("b:1", "bank", null));
    assertThrows(IllegalArgumentException.class, () -> c.withTimeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> c.withPunctuateInterval(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> c.withRequestPeriod(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> c.withStorage(Path.of("x"), 0));
    assertThrows(IllegalArgumentException.class, () -> c.withHttpPort(-2));
    assertThrows(IllegalArgumentException.class, () -> c.withHttpPort(70_000));
    assertThrows(IllegalArgumentException.class, () -> c.withDeepAuditSample(-1));
  }

  @Test
  void when_deep_audit_settings_are_out_of_range_then_construction_fails_with_a_message() {
    DeepAuditSettings d = DeepAuditSettings.DEFAULTS;
    assertEquals(0, d.sample(), "on demand only by default");
    assertThrows(IllegalArgumentException.class, () -> d.withQueueCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> d.withAnswerTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> d.withReadTimeout(Duration.ofSeconds(-1)));
    assertEquals(
        new DeepAuditSettings(2, 5, Duration.ofSeconds(3), Duration.ofSeconds(4)),
        d.withSample(2)
            .withQueueCapacity(5)
            .withAnswerTimeout(Duration.ofSeconds(3))
            .withReadTimeout(Duration.ofSeconds(4)));
  }
}
