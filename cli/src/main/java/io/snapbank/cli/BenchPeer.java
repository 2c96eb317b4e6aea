package io.snapbank.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peer: the same bank written with Apache Flink ({@code peer-flink}), run by its own {@code
 * run.sh} after snapbank's phases, on the same machine and with the same measuring window. Its
 * "loop" (credits back through Kafka, spendable like snapbank's) and "dag" (debit to credit inside
 * Flink) jobs with aligned checkpoints every second become rows next to snapbank's, with the ratios
 * the targets are stated in. The peer's whole output goes to {@code peer.log} in the work
 * directory; a peer that fails gives a row saying so and the benchmark goes on.
 */
final class BenchPeer {
  /** One row of the peer's result table: committed transfers/s and checkpoint p50/p99. */
  record PeerResult(String label, double committedPerSec, String checkpoints) {}

  private static final Pattern ROW =
      Pattern.compile(
          "^((?:dag|loop)/\\w+)\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*(\\d+) / (\\d+) / (\\d+) ms\\s*\\|.*$");

  private final BenchContext ctx;

  BenchPeer(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** A port no socket of this machine holds now, for the peer's broker. */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code path} is the peer's folder or its {@code run.sh}. */
  static Path script(Path path) {
    Path script = Files.isDirectory(path) ? path.resolve("run.sh") : path;
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("--peer: no run.sh at " + script);
    }
    return script;
  }

  List<BenchContext.Row> run(Path script, Duration window, double snapbankWithSnapshots)
      throws Exception {
    Path log = ctx.o.work().resolve("peer.log");
    ctx.out.printf(
        "[peer] Flink: loop and dag, aligned checkpoints every second, %d s, best of %d (log: %s)...%n",
        window.toSeconds(), ctx.o.rounds(), log);
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                script.toAbsolutePath().toString(),
                "--runs",
                "loop:aligned,dag:aligned",
                "--rounds",
                Integer.toString(ctx.o.rounds()),
                "--duration",
                Long.toString(window.toSeconds()))
            .redirectErrorStream(true);
    pb.environment()
        .putIfAbsent(
            "SNAPBANK_JAR", Path.of("cli", "target", "snapbank.jar").toAbsolutePath().toString());
    // the peer's fixed default port can be the local port of one of this process's connections
    pb.environment().putIfAbsent("PEER_PORT", Integer.toString(freePort()));
    Process p = pb.start();
    List<PeerResult> results = new ArrayList<>();
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
        parse(line).ifPresent(results::add);
      }
    }
    int code = p.waitFor();
    List<BenchContext.Row> rows = new ArrayList<>();
    if (code != 0 || results.isEmpty()) {
      rows.add(
          new BenchContext.Row(
              "peer: Flink", "failed", "-", "run.sh exited " + code + "; see " + log));
      return rows;
    }
    for (PeerResult res : results) {
      rows.add(
          new BenchContext.Row(
              "peer: Flink " + res.label() + ", checkpoint every 1 s: transfers/s, p50/p99",
              BenchContext.fmt(res.committedPerSec()) + ", " + res.checkpoints(),
              "-",
              "checkpoint: trigger to last acknowledgement"));
    }
    ratio(rows, results, "loop/aligned", snapbankWithSnapshots, ">= 1.0");
    ratio(rows, results, "dag/aligned", snapbankWithSnapshots, ">= 0.8");
    return rows;
  }

  private static void ratio(
      List<BenchContext.Row> rows,
      List<PeerResult> results,
      String label,
      double snapbank,
      String target) {
    results.stream()
        .filter(r -> r.label().equals(label) && r.committedPerSec() > 0)
        .findFirst()
        .ifPresent(
            r ->
                rows.add(
                    new BenchContext.Row(
                        "snapbank (1 snapshot/s) / Flink " + label + ", committed transfers/s",
                        String.format("%.2f x", snapbank / r.committedPerSec()),
                        target,
                        "saturated, same window, one after the other")));
  }

  /** A result row of the peer's table, if {@code line} is one. */
  static Optional<PeerResult> parse(String line) {
    Matcher m = ROW.matcher(line.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new PeerResult(
            m.group(1),
            Double.parseDouble(m.group(2).replace(",", "")),
            m.group(3) + " / " + m.group(4) + " ms"));
  }
}
