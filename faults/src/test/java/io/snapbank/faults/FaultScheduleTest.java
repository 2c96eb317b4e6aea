package io.snapbank.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  private static FaultSettings settings(long seed, long seconds) {
    return new FaultSettings(
        seed, Duration.ofSeconds(seconds), 1, 3, false, Path.of("unused"), Path.of("unused"));
  }

  private static Map<FaultKind, Integer> kinds(FaultSchedule s) {
    Map<FaultKind, Integer> m = new EnumMap<>(FaultKind.class);
    s.faults().forEach(f -> m.merge(f.kind(), 1, Integer::sum));
    return m;
  }

  @Test
  void when_the_same_seed_is_planned_twice_then_the_schedules_are_equal() {
    assertEquals(FaultSchedule.plan(settings(42, 60)), FaultSchedule.plan(settings(42, 60)));
    assertNotEquals(FaultSchedule.plan(settings(42, 60)), FaultSchedule.plan(settings(43, 60)));
  }

  @Test
  void when_a_run_lasts_a_minute_then_each_kind_comes_once_in_order_within_the_run() {
    FaultSchedule s = FaultSchedule.plan(settings(7, 60));
    Map<FaultKind, Integer> once = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      once.put(k, 1);
    }
    assertEquals(once, kinds(s));
    long last = -1;
    for (Fault f : s.faults()) {
      assertTrue(f.atMs() > last && f.atMs() < 60_000, f.toString());
      assertTrue(f.node() >= 0 && f.node() < 3, f.toString());
      last = f.atMs();
    }
  }

  @Test
  void when_a_run_lasts_ten_minutes_then_each_kind_comes_ten_times() {
    assertEquals(10, kinds(FaultSchedule.plan(settings(7, 600))).get(FaultKind.BROKER_PAUSE));
    assertEquals(50, FaultSchedule.plan(settings(7, 600)).faults().size());
  }

  @Test
  void
      when_pauses_go_beyond_the_transaction_timeout_then_a_broker_pause_outlasts_the_client_timeouts() {
    FaultSettings beyond =
        new FaultSettings(1, Duration.ofSeconds(60), 1, 3, true, Path.of("u"), Path.of("u"));
    assertTrue(beyond.brokerPause().compareTo(FaultSettings.CLIENT_TIMEOUT) > 0);
    assertTrue(settings(1, 60).brokerPause().compareTo(FaultSettings.CLIENT_TIMEOUT) < 0);
  }
}
