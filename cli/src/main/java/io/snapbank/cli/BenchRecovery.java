package io.snapbank.cli;

import io.snapbank.node.harness.LocalBank;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Recovery: SIGKILL a node process, restart it, time to its first committed transaction; {@code
 * --kills} times, the median counts.
 */
final class BenchRecovery {
  private final BenchContext ctx;
  private final BenchContext.Options o;
  private final PrintStream out;
  private final List<BenchContext.Row> rows = new ArrayList<>();

  BenchRecovery(BenchContext ctx) {
    this.ctx = ctx;
    this.o = ctx.o;
    this.out = ctx.out;
  }

  // 5. Recovery: SIGKILL a node process, restart it, time to its first committed transaction.
  List<BenchContext.Row> run() throws Exception {
    BankTopics topics = ctx.bank("rec", 2, 5, 1_000_000L);
    String prefix = topics.prefix();
    out.println(
        "[6/10] recovery: SIGKILL of a node process, restart, first commit ("
            + o.kills()
            + " times)...");
    LocalBank bank = new LocalBank(topics);
    bank.startAndAwait(ctx.config(prefix, 1, 1000, 100, 1.0, 2), Duration.ofSeconds(60));
    Path log = o.work().resolve("recovery-node.log");
    Process node = nodeProcess(prefix, log);
    List<Double> seconds = new ArrayList<>();
    // one reader for the whole phase: a new one per look would add its own start to every sample
    PartitionScanner scanner = new PartitionScanner(o.bootstrap(), o.client());
    try {
      for (int kill = 0; kill < o.kills(); kill++) {
        long committed = latestCheckpointOffset(scanner, topics);
        BenchContext.awaitCondition(
            () -> latestCheckpointOffset(scanner, topics) > committed, Duration.ofSeconds(60));
        Thread.sleep(2000);
        long killedAt = System.nanoTime();
        node.destroyForcibly();
        node.waitFor(30, TimeUnit.SECONDS);
        long before = latestCheckpointOffset(scanner, topics); // the dead process's last commit
        node = nodeProcess(prefix, log);
        BenchContext.awaitCondition(
            () -> latestCheckpointOffset(scanner, topics) > before, Duration.ofSeconds(120));
        seconds.add((System.nanoTime() - killedAt) / 1e9);
      }
      List<Double> sorted = seconds.stream().sorted().toList();
      rows.add(
          new BenchContext.Row(
              "recovery: SIGKILL to first commit after restart, median",
              String.format("%.1f s", sorted.get(sorted.size() / 2)),
              "<= 3 s",
              String.format(
                  "%d kills, each %s s; includes starting a new JVM (%s)",
                  o.kills(),
                  String.join("/", seconds.stream().map(d -> String.format("%.1f", d)).toList()),
                  BenchContext.classDataArgs().isEmpty()
                      ? "no class-data archive"
                      : "from the launcher's class-data archive")));
    } finally {
      scanner.close();
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
      bank.stopAll();
    }
    return rows;
  }

  private Process nodeProcess(String prefix, Path log) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--bootstrap",
                o.bootstrap(),
                "--prefix",
                prefix,
                "--id",
                "0",
                "--rate",
                "1000",
                "--commit-ms",
                "100"));
    if (o.clientConfigFile() != null) {
      args.addAll(List.of("--client-config", o.clientConfigFile().toString()));
    }
    return BenchContext.java("io.snapbank.cli.Main", args.toArray(new String[0]))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Offset of the last committed checkpoint of node 0, or -1. */
  private static long latestCheckpointOffset(PartitionScanner scanner, BankTopics topics) {
    TopicPartition tp = new TopicPartition(topics.nodeState().name(), 0);
    long end = scanner.end(tp, Duration.ofSeconds(5));
    long[] last = {-1};
    scanner.scan(tp, Math.max(0, end - 20), end, Duration.ofSeconds(5), r -> last[0] = r.offset());
    return last[0];
  }
}
