package io.snapbank.cli;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What every benchmark phase shares: the run's options, where progress goes, a unique name for this
 * run's banks, and the helpers to start node configurations, child JVMs and wait.
 */
final class BenchContext {
  /**
   * Settings of one run; {@code client} holds the client settings of {@code clientConfigFile} (null
   * and empty without one); {@code peer} is the peer benchmark's {@code run.sh}, or null.
   */
  record Options(
      String bootstrap,
      Path clientConfigFile,
      Map<String, String> client,
      int nodes,
      Duration duration,
      long ceilingRecords,
      long inFlight,
      double rate,
      double loadShare,
      Path work,
      List<Integer> scale,
      Path peer,
      java.util.Set<Bench.Phase> phases,
      long maxBacklog,
      int rounds,
      long commitMs,
      int kills) {}

  /** One measured figure. */
  record Row(String metric, String value, String target, String note) {}

  final Options o;
  final PrintStream out;
  final String run = Long.toString(System.currentTimeMillis() % 1_000_000);

  BenchContext(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  /** A new bank named {@code bench-<run>-<name>} with {@code nodes} nodes; returns its topics. */
  BankTopics bank(String name, int nodes, int accounts, long opening) throws InterruptedException {
    return bank(name, nodes, accounts, opening, Layout.DEFAULT);
  }

  /** A new bank whose channels are laid out as {@code layout}. */
  BankTopics bank(String name, int nodes, int accounts, long opening, Layout layout)
      throws InterruptedException {
    BankTopics topics = BankTopics.of("bench-" + run + "-" + name);
    BankSetup.init(
        o.bootstrap(),
        o.client(),
        topics,
        BankSetup.genesis(nodes, accounts, opening, layout.partitions(), layout.order(), 0));
    return topics;
  }

  /** How a benchmark bank lays out its channels: partitions per channel and channel order. */
  record Layout(int partitions, ChannelOrder order) {
    static final Layout DEFAULT = new Layout(1, ChannelOrder.FIFO);

    String label() {
      return partitions
          + (partitions == 1 ? " partition" : " partitions")
          + ", "
          + order.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  NodeConfig config(
      String prefix, int node, double rate, long maxAmount, double remoteShare, long seed) {
    return config(o.bootstrap(), o.client(), prefix, node, rate, maxAmount, remoteShare, seed);
  }

  /** A node of the run's settings on another cluster ({@code bootstrap}, {@code client}). */
  NodeConfig config(
      String bootstrap,
      Map<String, String> client,
      String prefix,
      int node,
      double rate,
      long maxAmount,
      double remoteShare,
      long seed) {
    return NodeConfig.of(bootstrap, prefix, node)
        .withClientOverrides(client)
        .withCommitInterval(o.commitMs())
        .withWorkload(new WorkloadConfig(rate, maxAmount, remoteShare, seed, o.maxBacklog()));
  }

  /** Transfers the nodes committed as sent so far. */
  static long committed(List<BankNode> nodes) {
    long sum = 0;
    for (BankNode n : nodes) {
      sum += n.stats().transfersSent();
    }
    return sum;
  }

  static void awaitCondition(BooleanSupplier ok, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("benchmark step did not finish within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /**
   * A child JVM on this process's class path, output and errors merged; it maps the same class-data
   * archive as this process when the launcher gave it one, so it starts as a node started by the
   * launcher does.
   */
  static ProcessBuilder java(String main, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    cmd.addAll(classDataArgs());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** This JVM's class-data archive options (none when it was started without an archive). */
  static List<String> classDataArgs() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-Xlog:cds"))
        .toList();
  }

  /** Heap in use after garbage collection, the lowest of three tries: the live data of this JVM. */
  static long heapAfterGc() throws InterruptedException {
    var mem = java.lang.management.ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  static String fmt(double v) {
    return String.format("%,.0f", v);
  }
}
