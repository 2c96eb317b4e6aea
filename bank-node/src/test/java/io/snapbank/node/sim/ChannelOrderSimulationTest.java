package io.snapbank.node.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.core.ChannelOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Channels that reorder: on the same seeded schedules of the REORDER fault filter (records of a
 * commit shuffled, some held back past later ones, within a lane and across lanes), a bank of
 * channel order NONE (colours and counters) takes only consistent cuts, and a FIFO bank reports the
 * broken order. Consistency is checked by the simulator after every event (money conserved, each
 * node's recorded state what it held, and per channel: sent before the cut minus received before it
 * = recorded in flight).
 */
class ChannelOrderSimulationTest {
  private static final int SCHEDULES = 300;

  static Simulation.Options reordering(long seed, ChannelOrder order) {
    int nodes = 2 + (int) (seed % 7); // 2..8
    int lanes = 1 + (int) ((seed / 7) % 3); // 1..3
    return Simulation.Options.of(nodes, seed % 3 == 0, 150 + (int) (seed % 5) * 30, 0.01)
        .with(Simulation.FaultFilter.REORDER, true)
        .withForgeries(
            0.02,
            List.of(
                Simulation.Forgery.GARBAGE,
                Simulation.Forgery.WRONG_SENDER,
                Simulation.Forgery.WRONG_RECEIVER,
                Simulation.Forgery.WRONG_LANE,
                Simulation.Forgery.NON_POSITIVE_AMOUNT,
                Simulation.Forgery.UNKNOWN_ACCOUNT,
                Simulation.Forgery.REPLAYED))
        .withLanes(lanes)
        .withOrder(order);
  }

  @Test
  void when_channels_reorder_and_the_bank_counts_colours_then_every_snapshot_is_a_consistent_cut() {
    String only = System.getProperty("sim.seed");
    long from = only == null ? 1 : Long.parseLong(only);
    long to = only == null ? SCHEDULES : from;
    int snapshots = 0;
    int refused = 0;
    int forgeries = 0;
    for (long seed = from; seed <= to; seed++) {
      Simulation sim = new Simulation(seed, reordering(seed, ChannelOrder.NONE)).run();
      assertEquals(List.of(), sim.halts(), "seed=" + seed + ": an unordered bank never halts");
      snapshots += sim.snapshots();
      refused += sim.refused();
      forgeries += sim.forgeriesQuarantined();
    }
    assertTrue(only != null || snapshots > SCHEDULES * 3, "consistent snapshots: " + snapshots);
    // one colour per node: a snapshot whose marker a reordered, later-coloured record overtakes
    // cannot be recorded at that node any more; it times out (the schedules request snapshots
    // far more often than their messages take to arrive, so this is frequent here)
    assertTrue(
        only != null || refused < snapshots,
        "snapshots a higher colour overtook at some node, left to time out: "
            + refused
            + " of "
            + (snapshots + refused));
    assertTrue(only != null || forgeries > 30, "forged records were set aside: " + forgeries);
  }

  @Test
  void when_the_same_reordering_schedules_run_on_a_fifo_bank_then_it_reports_the_violation() {
    int halted = 0;
    for (long seed = 1; seed <= 50; seed++) {
      Simulation sim = new Simulation(seed, reordering(seed, ChannelOrder.FIFO)).run();
      if (!sim.halts().isEmpty()) {
        halted++;
        assertTrue(sim.halts().get(0).contains("FIFO violation"), sim.halts().toString());
      }
    }
    assertTrue(halted > 40, "FIFO banks halted on the reordering schedules: " + halted + " of 50");
  }
}
