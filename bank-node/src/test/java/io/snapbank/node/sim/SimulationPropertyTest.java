package io.snapbank.node.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property test over many seeded random schedules of real node cores: after every event the
 * committed history conserves money, credits every transfer exactly once and keeps every channel
 * FIFO, and every snapshot is a consistent cut, under random timing, topologies of 2 to 16 nodes,
 * channels of 1 to 3 lanes, concurrent snapshots, aborts, crashes, forged records, and restores to
 * verified cuts at random points (crashes before a node's switch commits included). A failure names
 * its seed; {@code -Dsim.seed=N} reruns just that seed, {@code -Dsim.schedules=N} runs seeds 1..N
 * (default 300).
 */
class SimulationPropertyTest {
  private static final int SCHEDULES = Integer.getInteger("sim.schedules", 300);

  static Simulation.Options optionsFor(long seed) {
    int nodes = 2 + (int) (seed % 15); // 2..16
    boolean complete = seed % 3 == 0;
    int steps = 150 + (int) (seed % 7) * 30;
    double crashRate = seed % 2 == 0 ? 0.01 : 0.0;
    double restoreRate = seed % 4 == 1 ? 0.02 : 0.0;
    int lanes = 1 + (int) ((seed / 5) % 3); // 1..3 partitions per channel
    return Simulation.Options.of(nodes, complete, steps, crashRate)
        .withRestores(restoreRate)
        .withLanes(lanes);
  }

  @Test
  void
      when_hundreds_of_random_schedules_run_then_every_snapshot_is_a_consistent_cut_that_conserves_money() {
    String only = System.getProperty("sim.seed");
    long from = only == null ? 1 : Long.parseLong(only);
    long to = only == null ? SCHEDULES : from;
    int snapshots = 0;
    int crashes = 0;
    int forgeries = 0;
    int restores = 0;
    int laned = 0;
    int runs = 0;
    for (long seed = from; seed <= to; seed++) {
      Simulation sim = new Simulation(seed, optionsFor(seed)).run();
      assertTrue(sim.halts().isEmpty(), "seed=" + seed + ": FIFO channels gave " + sim.halts());
      snapshots += sim.snapshots();
      crashes += sim.crashes();
      forgeries += sim.forgeriesQuarantined();
      restores += sim.restores();
      laned += optionsFor(seed).lanes() > 1 ? sim.snapshots() : 0;
      runs++;
    }
    assertEquals(to - from + 1, runs);
    assertTrue(only != null || snapshots > SCHEDULES * 5, "schedules took snapshots: " + snapshots);
    assertTrue(only != null || crashes > SCHEDULES / 10, "schedules crashed nodes: " + crashes);
    assertTrue(
        only != null || forgeries > SCHEDULES / 10, "forged records were set aside: " + forgeries);
    assertTrue(
        only != null || restores > SCHEDULES / 50, "schedules restored verified cuts: " + restores);
    assertTrue(
        only != null || laned > SCHEDULES * 2, "snapshots over channels of 2-3 lanes: " + laned);
  }

  @Test
  void when_a_forger_skips_a_sequence_number_then_the_receiver_halts_with_a_fifo_violation() {
    int halted = 0;
    for (long seed = 1; seed <= 20; seed++) {
      Simulation sim =
          new Simulation(
                  seed,
                  Simulation.Options.of(3, true, 200, 0.0)
                      .withForgeries(0.05, List.of(Simulation.Forgery.SKIPPED_SEQUENCE)))
              .run();
      if (!sim.halts().isEmpty()) {
        halted++;
        assertTrue(
            sim.halts().get(0).contains("FIFO violation on channel"), sim.halts().toString());
      }
    }
    assertTrue(halted > 10, "schedules with a skipped sequence number halted: " + halted);
  }
}
