package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditorCommandTest {
  @Test
  void when_the_request_period_is_short_then_it_is_checked_twice_a_period() {
    assertEquals(Duration.ofMillis(200), AuditorCommand.checkInterval(Duration.ofMillis(400)));
    assertEquals(Duration.ofMillis(50), AuditorCommand.checkInterval(Duration.ofMillis(60)));
  }

  @Test
  void when_there_is_no_schedule_or_a_long_one_then_checks_are_every_second() {
    assertEquals(Duration.ofSeconds(1), AuditorCommand.checkInterval(Duration.ZERO));
    assertEquals(Duration.ofSeconds(1), AuditorCommand.checkInterval(Duration.ofSeconds(5)));
  }
}
