package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.SnapshotAssembly.Status;
import io.snapbank.auditor.core.SnapshotAssembly.Step;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SnapshotAssemblyTest {

  @Test
  void when_a_new_node_reports_and_others_are_missing_then_accepted_and_still_pending() {
    Step s = SnapshotAssembly.pending(5, 3).report(1);
    assertEquals(Acceptance.ACCEPTED, s.result());
    assertEquals(Status.PENDING, s.next().status());
    assertEquals(Set.of(1), s.next().reported());
    assertEquals(new TreeSet<>(List.of(0, 2)), s.next().missing());
  }

  @Test
  void when_the_last_missing_node_reports_then_completed() {
    SnapshotAssembly a = SnapshotAssembly.pending(5, 3).report(0).next().report(2).next();
    Step s = a.report(1);
    assertEquals(Acceptance.COMPLETED, s.result());
    assertTrue(s.next().isComplete());
    assertTrue(s.next().missing().isEmpty());
  }

  @Test
  void when_a_single_node_bank_gets_its_report_then_completed_at_once() {
    assertEquals(Acceptance.COMPLETED, SnapshotAssembly.pending(1, 1).report(0).result());
  }

  @Test
  void when_a_node_reports_twice_then_duplicate_and_state_unchanged() {
    SnapshotAssembly a = SnapshotAssembly.pending(5, 3).report(0).next();
    Step s = a.report(0);
    assertEquals(Acceptance.DUPLICATE, s.result());
    assertSame(a, s.next());
  }

  @Test
  void when_a_node_outside_the_bank_reports_then_unknown_node_and_state_unchanged() {
    SnapshotAssembly a = SnapshotAssembly.pending(5, 3);
    assertEquals(Acceptance.UNKNOWN_NODE, a.report(3).result());
    assertEquals(Acceptance.UNKNOWN_NODE, a.report(-1).result());
    assertSame(a, a.report(7).next());
  }

  @Test
  void when_a_report_arrives_after_completion_or_abort_then_late() {
    SnapshotAssembly complete = SnapshotAssembly.pending(5, 1).report(0).next();
    assertEquals(Acceptance.LATE, complete.report(0).result());
    SnapshotAssembly aborted = SnapshotAssembly.pending(6, 3).report(0).next().timedOut();
    assertEquals(Status.ABORTED, aborted.status());
    assertEquals(Acceptance.LATE, aborted.report(1).result());
    assertEquals(
        Acceptance.LATE, aborted.report(9).result(), "late wins over unknown once finished");
    assertEquals(new TreeSet<>(List.of(1, 2)), aborted.missing());
  }

  @Test
  void when_a_finished_snapshot_times_out_then_nothing_changes() {
    SnapshotAssembly complete = SnapshotAssembly.pending(5, 1).report(0).next();
    assertSame(complete, complete.timedOut());
    SnapshotAssembly aborted = SnapshotAssembly.pending(5, 2).timedOut();
    assertSame(aborted, aborted.timedOut());
  }

  @Test
  void when_offer_is_asked_then_it_predicts_without_changing_state() {
    SnapshotAssembly a = SnapshotAssembly.pending(5, 2).report(0).next();
    assertEquals(Acceptance.COMPLETED, a.offer(1));
    assertEquals(Acceptance.DUPLICATE, a.offer(0));
    assertFalse(a.isComplete());
  }

  @Test
  void when_the_size_becomes_known_then_outside_reports_are_dropped_and_a_full_set_completes() {
    SnapshotAssembly held = SnapshotAssembly.pending(5, SnapshotAssembly.UNKNOWN_SIZE);
    for (int n : List.of(0, 1, 4, 2)) {
      Step s = held.report(n);
      assertEquals(Acceptance.ACCEPTED, s.result(), "no completion while the size is unknown");
      held = s.next();
    }
    assertTrue(held.missing().isEmpty(), "no node can be named missing while the size is unknown");
    assertEquals(Set.of(4), held.outside(3));
    SnapshotAssembly sized = held.resized(3);
    assertTrue(sized.isComplete());
    assertEquals(Set.of(0, 1, 2), sized.reported());
    assertTrue(held.resized(5).isPending());
    assertEquals(Set.of(3), held.resized(5).missing());
  }

  @Test
  void when_a_bank_has_no_nodes_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> SnapshotAssembly.pending(1, 0));
  }
}
