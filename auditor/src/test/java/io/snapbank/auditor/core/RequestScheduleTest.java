package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestScheduleTest {

  @Test
  void when_nothing_was_requested_then_the_first_request_is_due_at_once_with_the_time_as_id() {
    RequestSchedule.Due d = RequestSchedule.START.due(10_000, 5_000, 3, "me").orElseThrow();
    assertEquals(10_000, d.request().getSnapshotId());
    assertEquals(10_000, d.request().getRequestedAtMs());
    assertEquals("me", d.request().getRequestedBy());
    assertTrue(d.request().getInitiators().isEmpty(), "every node initiates");
    assertEquals(3, d.request().getEpoch(), "the current epoch");
    assertEquals(-1, d.request().getRetryOf());
    assertEquals(new RequestSchedule(10_000, 15_000), d.next());
  }

  @Test
  void when_the_period_has_not_passed_then_nothing_is_due() {
    assertEquals(Optional.empty(), new RequestSchedule(10_000, 15_000).due(14_999, 5_000, 0, "me"));
  }

  @Test
  void when_the_clock_did_not_pass_the_last_id_then_ids_still_grow() {
    RequestSchedule.Due d =
        new RequestSchedule(20_000, 15_000).due(15_000, 5_000, 0, "me").orElseThrow();
    assertEquals(20_001, d.request().getSnapshotId());
  }

  @Test
  void when_requests_are_off_then_nothing_is_ever_due() {
    assertEquals(Optional.empty(), RequestSchedule.START.due(10_000, 0, 0, "me"));
  }

  @Test
  void
      when_a_snapshot_is_retried_then_its_request_takes_a_fresh_id_and_the_schedule_keeps_its_time() {
    RequestSchedule s = new RequestSchedule(20_000, 25_000);
    RequestSchedule.Due d = s.retry(new Effect.Retry(19_000, 4, List.of(2)), 21_000, "me");
    assertEquals(21_000, d.request().getSnapshotId());
    assertEquals(4, d.request().getEpoch());
    assertEquals(List.of(2), d.request().getInitiators());
    assertEquals(19_000, d.request().getRetryOf());
    assertEquals(21_000, d.request().getRequestedAtMs());
    assertEquals("me", d.request().getRequestedBy());
    assertEquals(new RequestSchedule(21_000, 25_000), d.next());
    RequestSchedule.Due again =
        d.next().retry(new Effect.Retry(20_000, 4, List.of()), 21_000, "me");
    assertEquals(21_001, again.request().getSnapshotId(), "ids keep growing");
    RequestSchedule.Due scheduled = again.next().due(25_000, 5_000, 4, "me").orElseThrow();
    assertEquals(25_000, scheduled.request().getSnapshotId());
  }

  @Test
  void when_a_finished_snapshot_is_older_than_the_retention_then_it_is_forgotten() {
    FinishedRetention day = FinishedRetention.ONE_DAY;
    long dayMs = 24L * 60 * 60 * 1000;
    assertFalse(day.expired(1_000, 1_000 + dayMs));
    assertTrue(day.expired(1_000, 1_001 + dayMs));
    assertThrows(IllegalArgumentException.class, () -> new FinishedRetention(0));
  }
}
