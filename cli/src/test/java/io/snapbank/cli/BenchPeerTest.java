package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's result table read into rows: the peer's own print format (copied from its result
 * table) parsed, the ratios computed, and a failing peer reported without stopping the bench.
 */
class BenchPeerTest {
  private static final String FORMAT = "%-16s | %14s | %22s | %5s | %20s | %s%n";

  @TempDir Path dir;

  @Test
  void when_the_peer_prints_its_table_then_its_rows_and_the_ratios_are_added() throws Exception {
    Path script =
        script(
            "echo 'peer-flink results (Flink 2.0.1, parallelism 4)'\n"
                + "printf '"
                + FORMAT.replace("%n", "\\n")
                + "' 'loop/aligned' '1,263,859' '45 / 140 / 140 ms' 20 '0 / 0 B' 'failed ckpts 0'\n"
                + "printf '"
                + FORMAT.replace("%n", "\\n")
                + "' 'dag/aligned' '1,442,857' '88 / 117 / 117 ms' 20 '0 / 0 B' 'failed ckpts 0'\n");
    List<BenchContext.Row> rows = peer().run(script, Duration.ofSeconds(1), 631_929);
    assertEquals(4, rows.size(), rows.toString());
    assertEquals("1,263,859, 45 / 140 ms", rows.get(0).value());
    assertEquals("1,442,857, 88 / 117 ms", rows.get(1).value());
    assertEquals("0.50 x", rows.get(2).value());
    assertTrue(rows.get(2).metric().contains("loop/aligned"));
    assertEquals("0.44 x", rows.get(3).value());
    assertTrue(Files.readString(dir.resolve("peer.log")).contains("dag/aligned"));
  }

  @Test
  void when_the_peer_fails_then_one_row_says_so_and_names_its_log() throws Exception {
    Path script = script("echo 'run.sh: no snapbank jar'\nexit 3\n");
    List<BenchContext.Row> rows = peer().run(script, Duration.ofSeconds(1), 1);
    assertEquals(1, rows.size());
    assertEquals("failed", rows.get(0).value());
    assertTrue(rows.get(0).note().contains("exited 3"), rows.get(0).note());
  }

  @Test
  void when_the_peer_folder_has_no_script_then_bench_refuses_in_one_line() {
    CliTest.Run r = CliTest.run("bench", "--peer", dir.toString(), "--duration", "1s");
    assertEquals(1, r.code());
    assertEquals("error: --peer: no run.sh at " + dir.resolve("run.sh"), r.err().strip());
  }

  private BenchPeer peer() {
    return new BenchPeer(
        new BenchContext(
            new BenchContext.Options(
                "unused:9092",
                null,
                Map.of(),
                4,
                Duration.ofSeconds(1),
                0,
                0,
                1,
                0.5,
                dir,
                List.of(),
                null,
                java.util.Set.of(),
                1_000,
                2,
                100,
                3),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
  }

  private Path script(String body) throws Exception {
    Path s = dir.resolve("fake-run.sh");
    Files.writeString(s, "#!/usr/bin/env bash\n" + body);
    return s;
  }
}
