package io.snapbank.node.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Seeded schedules where nodes join and leave at random points, among concurrent snapshots, aborts,
 * crashes (also between a node reading a change and committing it), forged records and restores:
 * per epoch, every snapshot covers exactly that epoch's members and channels and is a consistent
 * cut, money is conserved (counting the deposits of joining nodes), every transfer is credited
 * once, and nothing is credited to a node after its channel's final record.
 */
class MembershipSimulationTest {
  private static final int SCHEDULES = 300;

  @Test
  void when_nodes_join_and_leave_at_random_points_then_every_epochs_snapshots_are_consistent() {
    String only = System.getProperty("sim.seed");
    long from = only == null ? 1 : Long.parseLong(only);
    long to = only == null ? SCHEDULES : from;
    int joins = 0;
    int leaves = 0;
    int snapshots = 0;
    int runs = 0;
    for (long seed = from; seed <= to; seed++) {
      Simulation.Options o =
          Simulation.Options.of(3 + (int) (seed % 5), true, 250 + (int) (seed % 4) * 50, 0.01)
              .withMembership(0.03)
              .withRestores(seed % 5 == 0 ? 0.01 : 0.0);
      Simulation sim = new Simulation(seed, o).run();
      assertTrue(sim.halts().isEmpty(), "seed=" + seed + ": " + sim.halts());
      joins += sim.joins();
      leaves += sim.leaves();
      snapshots += sim.snapshots();
      runs++;
    }
    assertEquals(to - from + 1, runs);
    assertTrue(only != null || joins > 100, "nodes joined: " + joins);
    assertTrue(only != null || leaves > 100, "nodes left: " + leaves);
    assertTrue(only != null || snapshots > SCHEDULES * 3, "snapshots completed: " + snapshots);
  }
}
