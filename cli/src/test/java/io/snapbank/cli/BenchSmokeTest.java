package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A short run of the benchmark command: every phase runs and reports. No figure is asserted. */
class BenchSmokeTest {
  @Test
  void when_bench_runs_briefly_then_every_figure_is_printed() {
    CliTest.Run r =
        CliTest.run(
            "bench",
            "--nodes",
            "2",
            "--duration",
            "1s",
            "--ceiling-records",
            "20000",
            "--in-flight",
            "20000",
            "--rounds",
            "1",
            "--kills",
            "1",
            "--scale",
            "3");
    assertEquals(0, r.code(), r.out() + r.err());
    for (String metric :
        List.of(
            "Kafka transactional produce",
            "bank committed transfers/s, no snapshots",
            "bank committed transfers/s, 1 snapshot/s",
            "snapshot overhead",
            "transfer latency send->credit",
            "snapshot latency p50/p99/max",
            "node heap, snapshot open over 20,000",
            "recovery: SIGKILL",
            "recovery: broker restart to every node committing",
            "restore: command (checks, switch)",
            "membership: longest gap between CONSISTENT snapshots",
            "channels of 1 partition, fifo: transfers/s",
            "channels of 4 partitions, fifo: transfers/s",
            "channels of 2 partitions, none: transfers/s",
            "scale,  3 nodes: transfers/s")) {
      assertTrue(r.out().contains(metric), metric + " missing from:\n" + r.out());
    }
  }

  @Test
  void when_a_scale_size_is_out_of_range_then_one_line_refuses_it() {
    CliTest.Run r = CliTest.run("bench", "--scale", "4,1", "--duration", "1s");
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals("error: --scale sizes must be 2..64 nodes, not 1", r.err().strip());
  }
}
