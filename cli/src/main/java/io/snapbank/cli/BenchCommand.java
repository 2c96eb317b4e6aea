package io.snapbank.cli;

import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.cli.security.ClientConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark: Kafka's transactional produce ceiling, the bank's committed transfers/s and latency"
            + " without and with a snapshot per second, snapshot latency, node heap with a snapshot open over many"
            + " in-flight transfers, recovery after SIGKILL, restore, membership changes, the channel modes"
            + " and a curve over bank size. Uses an embedded broker unless --bootstrap is given.")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = {"-b", "--bootstrap"},
      description = "Kafka to measure against (default: an embedded broker).")
  String bootstrap;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "With --bootstrap: the Kafka client config of a principal allowed to create banks and"
              + " run them (on a secure broker, its admin.properties).")
  Path clientConfigFile;

  @Option(
      names = "--nodes",
      defaultValue = "4",
      description = "Bank nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--duration",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Measuring time of each bank phase (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--ceiling-records",
      defaultValue = "2000000",
      description = "Records for Kafka's ceiling run (default ${DEFAULT-VALUE}).")
  long ceilingRecords;

  @Option(
      names = "--in-flight",
      defaultValue = "1000000",
      description = "Transfers in flight for the memory phase (default ${DEFAULT-VALUE}).")
  long inFlight;

  @Option(
      names = "--rate",
      defaultValue = "1000000",
      description = "Offered transfers/s per node (default ${DEFAULT-VALUE}: as fast as it goes).")
  double rate;

  @Option(
      names = "--load",
      defaultValue = "0.5",
      description =
          "Sustained load for the latency phase, as a share of the saturated rate (default ${DEFAULT-VALUE}).")
  double load;

  @Option(
      names = "--scale",
      split = ",",
      paramLabel = "N",
      defaultValue = "4,8,16,32",
      description =
          "Bank sizes of the scale curve, saturated with a snapshot per second, all nodes in this"
              + " JVM (default ${DEFAULT-VALUE}).")
  List<Integer> scale;

  @Option(
      names = "--peer",
      paramLabel = "DIR",
      description =
          "The peer benchmark (the same bank on Apache Flink, e.g. ../shared/peer-flink): run its"
              + " run.sh after snapbank's phases and add its rows and the ratios to the table.")
  Path peer;

  @Option(
      names = "--phases",
      split = ",",
      paramLabel = "PHASE",
      description =
          "Only these phases, e.g. --phases throughput,scale (default: all of ${COMPLETION-CANDIDATES}).")
  java.util.EnumSet<Bench.Phase> phases = java.util.EnumSet.allOf(Bench.Phase.class);

  @Option(
      names = "--rounds",
      defaultValue = "4",
      description =
          "Saturated runs with and without snapshots, alternating; the best of each counts, and"
              + " the peer runs as many (default ${DEFAULT-VALUE}: on two busy cores the JIT"
              + " needs minutes of load before the nodes reach their speed).")
  int rounds;

  @Option(
      names = "--commit-ms",
      defaultValue = "100",
      description =
          "The nodes' transaction length in ms (default ${DEFAULT-VALUE}, as for `snapbank node`);"
              + " a transaction holding a marker or a report commits at once.")
  long commitMs;

  @Option(
      names = "--kills",
      defaultValue = "3",
      description =
          "Node processes killed (kill -9) one after another in the recovery phase; the median"
              + " counts (default ${DEFAULT-VALUE}).")
  int kills;

  @Option(
      names = "--max-backlog",
      defaultValue = "1000",
      description =
          "A node stops generating while more records than this wait on its inputs (default"
              + " ${DEFAULT-VALUE}); at saturation a marker waits behind up to this many records.")
  long maxBacklog;

  @Override
  public Integer call() throws Exception {
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes must be at least 2");
    }
    for (int n : scale) {
      if (n < 2 || n > 64) {
        throw new IllegalArgumentException("--scale sizes must be 2..64 nodes, not " + n);
      }
    }
    if (commitMs < 1) {
      throw new IllegalArgumentException("--commit-ms must be at least 1, not " + commitMs);
    }
    if (kills < 1) {
      throw new IllegalArgumentException("--kills must be at least 1, not " + kills);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
    }
    if (maxBacklog < 1) {
      throw new IllegalArgumentException("--max-backlog must be at least 1, not " + maxBacklog);
    }
    Path peerScript = peer == null ? null : BenchPeer.script(peer);
    if (clientConfigFile != null && bootstrap == null) {
      throw new IllegalArgumentException("--client-config is only used with --bootstrap");
    }
    Map<String, String> client = ClientConfigs.load(clientConfigFile, System.err);
    Path work = Files.createTempDirectory("snapbank-bench-");
    EmbeddedKafkaBroker broker = null;
    String target = bootstrap;
    if (target == null) {
      broker = EmbeddedKafkaBroker.builder().dataDir(work.resolve("kafka")).start();
      target = broker.bootstrapServers();
    }
    try {
      System.out.printf(
          "snapbank bench on %s: %d nodes, %d s per phase, %d ms commits, backlog bound %d,"
              + " %d cores, max heap %d MB%n",
          target,
          nodes,
          duration.toSeconds(),
          commitMs,
          maxBacklog,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20);
      List<BenchContext.Row> rows =
          new Bench(
                  new BenchContext.Options(
                      target,
                      clientConfigFile,
                      client,
                      nodes,
                      duration,
                      ceilingRecords,
                      inFlight,
                      rate,
                      load,
                      work,
                      List.copyOf(scale),
                      peerScript,
                      java.util.Set.copyOf(phases),
                      maxBacklog,
                      rounds,
                      commitMs,
                      kills),
                  System.out)
              .run();
      System.out.println();
      Bench.print(System.out, rows);
      return 0;
    } finally {
      if (broker != null) {
        broker.close();
      }
      keepOnlyLogs(work);
    }
  }

  /**
   * Deletes what the run wrote under {@code work} (the broker's log, the auditors' state: gigabytes
   * after a full run) except its own {@code .log} files at the top, which the table may point to.
   */
  private static void keepOnlyLogs(Path work) {
    try (java.util.stream.Stream<Path> entries = Files.list(work)) {
      entries
          .filter(p -> !(Files.isRegularFile(p) && p.getFileName().toString().endsWith(".log")))
          .forEach(Directories::deleteQuietly);
    } catch (java.io.IOException e) {
      System.err.println("bench: could not clean up " + work + ": " + e.getMessage());
    }
  }
}
