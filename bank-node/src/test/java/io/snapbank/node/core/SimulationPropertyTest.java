package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.core.sim.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Property test over many seeded random schedules: every snapshot conserves money and is a
 * consistent cut, under random delays, topologies of 2 to 16 nodes, concurrent snapshots and
 * crashes. A failure names its seed; {@code -Dsim.seed=N} reruns just that seed.
 */
class SimulationPropertyTest {
  private static final int SCHEDULES = 1_000;

  static Simulation.Options optionsFor(long seed) {
    int nodes = 2 + (int) (seed % 15); // 2..16
    boolean complete = seed % 3 == 0;
    int steps = 150 + (int) (seed % 7) * 30;
    double crashRate = seed % 2 == 0 ? 0.01 : 0.0;
    return new Simulation.Options(nodes, complete, steps, crashRate, Simulation.FIFO, true);
  }

  @Test
  void
      when_1000_random_schedules_run_then_every_snapshot_is_a_consistent_cut_that_conserves_money() {
    String only = System.getProperty("sim.seed");
    long from = only == null ? 1 : Long.parseLong(only);
    long to = only == null ? SCHEDULES : from;
    int snapshots = 0;
    int crashes = 0;
    int runs = 0;
    for (long seed = from; seed <= to; seed++) {
      Simulation sim = new Simulation(seed, optionsFor(seed)).run();
      assertTrue(
          sim.fifoViolations().isEmpty(),
          "seed=" + seed + ": FIFO channels gave " + sim.fifoViolations());
      snapshots += sim.snapshots();
      crashes += sim.crashes();
      runs++;
    }
    assertEquals(to - from + 1, runs);
    assertTrue(only != null || snapshots > SCHEDULES * 5, "schedules took snapshots: " + snapshots);
    assertTrue(only != null || crashes > 100, "schedules crashed nodes: " + crashes);
  }
}
