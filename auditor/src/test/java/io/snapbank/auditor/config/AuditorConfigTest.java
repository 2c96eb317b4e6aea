package io.snapbank.auditor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
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
            DeepAuditSettings.DEFAULTS.withSample(4)),
        c);
    assertEquals(7, c.withDeepAuditEvery(7).deepAuditSample());
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
