package io.snapbank.node.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes wrong without FIFO channels, and that the sequence check catches it. */
class FifoViolationTest {
  private static Simulation.Options reorder(boolean sequenceNumbers) {
    return Simulation.Options.of(4, true, 300, 0.0)
        .with(Simulation.FaultFilter.REORDER, sequenceNumbers)
        .withForgeries(0.0, List.of()); // what breaks is the order alone
  }

  @Test
  void when_channels_reorder_then_the_engine_reports_a_sequence_gap() {
    Simulation sim = new Simulation(7, reorder(true)).run();
    assertFalse(sim.halts().isEmpty(), "reordering must be detected");
    assertTrue(sim.halts().get(0).contains("FIFO violation"), sim.halts().toString());
  }

  @Test
  void
      when_channels_reorder_and_nothing_checks_sequence_then_some_snapshot_is_not_a_consistent_cut() {
    AssertionError broken = null;
    for (long seed = 1; seed <= 50 && broken == null; seed++) {
      try {
        new Simulation(seed, reorder(false)).run();
      } catch (AssertionError e) {
        broken = e;
      }
    }
    assertNotNull(broken, "without FIFO, Chandy-Lamport snapshots break for some schedule");
    String m = broken.getMessage();
    assertTrue(m.contains("consistent cut") || m.contains("total") || m.contains("recorded"), m);
  }
}
