package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark: Kafka's own transactional produce ceiling (ProducerPerformance), the bank's
 * committed transfer rate and latency without and with a snapshot per second, snapshot latency,
 * node heap with a snapshot held open over many in-flight transfers, and recovery time after
 * SIGKILL. Prints one table; no figure is asserted here.
 */
final class Bench {
  /** Settings of one run. */
  record Options(
      String bootstrap,
      int nodes,
      Duration duration,
      long ceilingRecords,
      long inFlight,
      double rate,
      double loadShare,
      Path work) {}

  /** One measured figure. */
  record Row(String metric, String value, String target, String note) {}

  private final Options o;
  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000);

  Bench(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  List<Row> run() throws Exception {
    double ceiling = ceiling();
    // saturated pairs, alternating, best of each: the first runs also warm the JVM up
    double plain = 0;
    double with = 0;
    for (int round = 1; round <= 2; round++) {
      plain =
          Math.max(
              plain,
              bank(
                  false,
                  o.rate(),
                  ceiling,
                  "[2/6] saturated, no snapshots, round " + round,
                  round == 2));
      with =
          Math.max(
              with,
              bank(
                  true,
                  o.rate(),
                  ceiling,
                  "[3/6] saturated, a snapshot every second, round " + round,
                  round == 2));
    }
    rows.add(
        new Row(
            "bank committed transfers/s, no snapshots, saturated",
            fmt(plain),
            ">= 100,000 or >= 0.3 x Kafka",
            String.format("%.2f x Kafka; best of 2", plain / ceiling)));
    rows.add(
        new Row(
            "bank committed transfers/s, 1 snapshot/s, saturated",
            fmt(with),
            ">= 100,000 or >= 0.3 x Kafka",
            String.format("%.2f x Kafka; best of 2", with / ceiling)));
    double overhead = plain <= 0 ? 0 : (plain - with) * 100.0 / plain;
    rows.add(
        new Row(
            "snapshot overhead at 1 snapshot/s",
            String.format("%.1f %%", overhead),
            "<= 5 %",
            "saturated throughput lost vs. no snapshots"));
    double sustained = Math.max(1000, plain * o.loadShare() / o.nodes());
    bank(
        true,
        sustained,
        ceiling,
        String.format(
            "[4/6] %.0f %% of saturation (%s transfers/s), a snapshot every second",
            o.loadShare() * 100, fmt(sustained * o.nodes())),
        true);
    memory();
    recovery();
    return rows;
  }

  // 1. Kafka's transactional produce rate with transfer-sized records, in a separate JVM.
  private double ceiling() throws Exception {
    int size =
        BankTopics.of("x")
            .transfers(0)
            .encode(
                new ChannelRecord(
                    0,
                    1,
                    123456L,
                    new Transfer(
                        "0-123456", "n0-a000", "n1-a000", 250L, System.currentTimeMillis()),
                    0L))
            .length;
    String topic = "bench-ceiling-" + run;
    try (Admin admin = BankSetup.admin(o.bootstrap())) {
      admin
          .createTopics(List.of(new NewTopic(topic, o.nodes(), (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    out.printf(
        "[1/6] Kafka ceiling: ProducerPerformance, transactional, %d records of %d bytes...%n",
        o.ceilingRecords(), size);
    Process p =
        java(
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                Long.toString(o.ceilingRecords()),
                "--record-size",
                Integer.toString(size),
                "--throughput",
                "-1",
                "--transactional-id",
                "bench-ceiling-" + run,
                "--transaction-duration-ms",
                "100",
                "--producer-props",
                "bootstrap.servers=" + o.bootstrap(),
                "acks=all",
                "linger.ms=5",
                "batch.size=131072")
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.MINUTES);
    Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(text);
    double rate = 0;
    while (m.find()) {
      rate = Double.parseDouble(m.group(2));
    }
    if (rate == 0) {
      throw new IllegalStateException("ProducerPerformance gave no result:\n" + text);
    }
    rows.add(
        new Row(
            "Kafka transactional produce (ProducerPerformance)",
            fmt(rate) + " records/s",
            "-",
            size + "-byte records"));
    return rate;
  }

  // 2. and 3. The bank's committed transfer rate, without and with a snapshot per second.
  private double bank(
      boolean snapshots, double ratePerNode, double ceiling, String phase, boolean report)
      throws Exception {
    boolean saturated = ratePerNode >= o.rate();
    String prefix = "bench-" + run + (snapshots ? "-snap" : "-plain") + (saturated ? "" : "-load");
    BankTopics topics = BankTopics.of(prefix);
    BankSetup.init(o.bootstrap(), topics, BankSetup.genesis(o.nodes(), 20, 1_000_000_000L, 0));
    out.printf("%s: %d nodes, %d s...%n", phase, o.nodes(), o.duration().toSeconds());
    Histogram latency = new Histogram(3_600_000L, 3);
    LocalBank bank = new LocalBank(topics);
    for (int i = 0; i < o.nodes(); i++) {
      BankNode n = bank.start(config(prefix, i, ratePerNode, 100, 1.0, i + 1));
      n.onCreditLatency(
          ms -> {
            synchronized (latency) {
              latency.recordValue(Math.min(ms, 3_600_000L));
            }
          });
    }
    bank.awaitReady(Duration.ofSeconds(60));
    List<BankNode> nodes = bank.nodes();
    AuditorApp auditor = null;
    Histogram snapLatency = new Histogram(3_600_000L, 3);
    long[] snapCounts = new long[3];
    if (snapshots) {
      auditor =
          new AuditorApp(
              AuditorConfig.of(o.bootstrap(), prefix, o.work().resolve("auditor-" + prefix))
                  .withRequestPeriod(Duration.ofSeconds(1))
                  .withPunctuateInterval(Duration.ofMillis(100))
                  .withTimeout(Duration.ofSeconds(10)));
      auditor.onReport(
          r -> {
            synchronized (snapLatency) {
              if (r.getDeepAudit() == null) {
                snapCounts[r.getStatus().ordinal()]++;
                if (r.getStatus() != AuditStatus.ABORTED) {
                  snapLatency.recordValue(Math.min(r.getLatencyMs(), 3_600_000L));
                }
              }
            }
          });
      auditor.start();
      auditor.awaitRunning(Duration.ofSeconds(60));
    }
    Thread.sleep(3000); // warm-up
    synchronized (latency) {
      latency.reset();
    }
    synchronized (snapLatency) {
      snapLatency.reset();
      snapCounts[0] = snapCounts[1] = snapCounts[2] = 0;
    }
    long before = committed(nodes);
    long t0 = System.nanoTime();
    Thread.sleep(o.duration().toMillis());
    long after = committed(nodes);
    double rate = (after - before) / ((System.nanoTime() - t0) / 1e9);
    bank.stopAll();
    if (auditor != null) {
      auditor.close();
    }
    for (BankNode n : nodes) {
      if (n.failure().isPresent()) {
        throw new IllegalStateException("node failed during the benchmark: " + n.failure().get());
      }
    }
    String label =
        (snapshots ? "1 snapshot/s" : "no snapshots")
            + (saturated ? ", saturated" : ", sustained load");
    if (!report) {
      return rate;
    }
    if (!saturated) {
      synchronized (latency) {
        rows.add(
            new Row(
                "transfer latency send->credit p50/p99, " + label,
                latency.getValueAtPercentile(50) + " / " + latency.getValueAtPercentile(99) + " ms",
                "-",
                fmt(rate) + " transfers/s committed"));
      }
    }
    if (snapshots) {
      synchronized (snapLatency) {
        rows.add(
            new Row(
                "snapshot latency p50/p99/max, " + label,
                snapLatency.getValueAtPercentile(50)
                    + " / "
                    + snapLatency.getValueAtPercentile(99)
                    + " / "
                    + snapLatency.getMaxValue()
                    + " ms",
                saturated ? "-" : "p50 <= 300 ms, p99 <= 1 s",
                snapCounts[0]
                    + " consistent, "
                    + snapCounts[1]
                    + " violations, "
                    + snapCounts[2]
                    + " aborted"));
      }
    }
    return rate;
  }

  private NodeConfig config(
      String prefix, int node, double rate, long maxAmount, double remoteShare, long seed) {
    return NodeConfig.of(o.bootstrap(), prefix, node)
        .withWorkload(
            new WorkloadConfig(
                rate, maxAmount, remoteShare, seed, WorkloadConfig.DEFAULT_MAX_BACKLOG));
  }

  private static long committed(List<BankNode> nodes) {
    long sum = 0;
    for (BankNode n : nodes) {
      sum += n.stats().transfersSent();
    }
    return sum;
  }

  // 4. Node heap with a snapshot held open while many transfers are in flight on its channel.
  private void memory() throws Exception {
    String prefix = "bench-" + run + "-mem";
    BankTopics topics = BankTopics.of(prefix);
    BankSetup.init(o.bootstrap(), topics, BankSetup.genesis(2, 2, 1_000L, 0));
    out.printf(
        "[5/6] memory: node 1 credits %,d transfers, then %,d more inside an open snapshot...%n",
        o.inFlight(), o.inFlight());
    LocalBank bank = new LocalBank(topics);
    BankNode receiver = bank.startAndAwait(config(prefix, 1, 0, 1, 0, 1), Duration.ofSeconds(60));
    long seq = 0;
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.producer(o.bootstrap(), Map.of("linger.ms", "20", "batch.size", "262144"))) {
      seq =
          writeTransfers(p, topics, seq, o.inFlight()); // node 0's channel, written as node 0 would
      awaitCondition(() -> receiver.stats().credits() >= o.inFlight(), Duration.ofMinutes(5));
      long baseline = heapAfterGc();
      // node 1 initiates; node 0 is not running, so its marker never comes and the snapshot stays
      // open
      p.send(
          new ProducerRecord<>(
              topics.snapshotRequests().name(),
              0,
              "1".getBytes(StandardCharsets.UTF_8),
              topics
                  .snapshotRequests()
                  .encode(
                      new SnapshotRequest(1L, List.of(1), System.currentTimeMillis(), "bench"))));
      p.flush();
      Thread.sleep(500);
      writeTransfers(p, topics, seq, o.inFlight());
      awaitCondition(() -> receiver.stats().credits() >= 2 * o.inFlight(), Duration.ofMinutes(5));
      long open = heapAfterGc();
      rows.add(
          new Row(
              "node heap, snapshot open over " + fmt(o.inFlight()) + " in-flight transfers",
              String.format("%+.1f MB", (open - baseline) / 1e6),
              "<= 16 MB extra",
              "vs. the same traffic with no snapshot open (whole-JVM heap after GC)"));
    } finally {
      bank.stopAll();
    }
  }

  private static long writeTransfers(
      KafkaProducer<byte[], byte[]> p, BankTopics topics, long seq, long count) {
    String topic = topics.transfers(0).name();
    long now = System.currentTimeMillis();
    for (long i = 0; i < count; i++) {
      seq++;
      ChannelRecord r =
          new ChannelRecord(0, 1, seq, new Transfer("0-" + seq, "n0-a000", "n1-a000", 1L, now), 0L);
      p.send(new ProducerRecord<>(topic, 1, null, topics.transfers(0).encode(r)));
    }
    p.flush();
    return seq;
  }

  private static long heapAfterGc() throws InterruptedException {
    var mem = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  // 5. Recovery: SIGKILL a node process, restart it, time to its first committed transaction.
  private void recovery() throws Exception {
    String prefix = "bench-" + run + "-rec";
    BankTopics topics = BankTopics.of(prefix);
    BankSetup.init(o.bootstrap(), topics, BankSetup.genesis(2, 5, 1_000_000L, 0));
    out.println("[6/6] recovery: SIGKILL of a node process, restart, first commit...");
    LocalBank bank = new LocalBank(topics);
    bank.startAndAwait(config(prefix, 1, 1000, 100, 1.0, 2), Duration.ofSeconds(60));
    Path log = o.work().resolve("recovery-node.log");
    Process node = nodeProcess(prefix, log);
    try {
      awaitCondition(() -> latestCheckpointOffset(topics) >= 0, Duration.ofSeconds(60));
      Thread.sleep(2000);
      long killedAt = System.nanoTime();
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
      long before = latestCheckpointOffset(topics); // the dead process's last commit
      node = nodeProcess(prefix, log);
      awaitCondition(() -> latestCheckpointOffset(topics) > before, Duration.ofSeconds(120));
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      rows.add(
          new Row(
              "recovery: SIGKILL to first commit after restart",
              String.format("%.1f s", seconds),
              "<= 10 s",
              "includes starting a new JVM"));
    } finally {
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
      bank.stopAll();
    }
  }

  private Process nodeProcess(String prefix, Path log) throws IOException {
    return java(
            "io.snapbank.cli.Main",
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
            "100")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Offset of the last committed checkpoint of node 0, or -1. */
  private long latestCheckpointOffset(BankTopics topics) {
    TopicPartition tp = new TopicPartition(topics.nodeState().name(), 0);
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(o.bootstrap(), null, Map.of())) {
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      c.seek(tp, Math.max(0, end - 20));
      long last = -1;
      long deadline = System.currentTimeMillis() + 5000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          last = r.offset();
        }
      }
      return last;
    }
  }

  private static void awaitCondition(BooleanSupplier ok, Duration timeout)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("benchmark step did not finish within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** A child JVM on this process's class path, output and errors merged. */
  private static ProcessBuilder java(String main, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                main));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  static String fmt(double v) {
    return String.format("%,.0f", v);
  }

  static void print(PrintStream out, List<Row> rows) {
    int w0 = 10;
    int w1 = 5;
    int w2 = 6;
    for (Row r : rows) {
      w0 = Math.max(w0, r.metric().length());
      w1 = Math.max(w1, r.value().length());
      w2 = Math.max(w2, r.target().length());
    }
    String f = "%-" + w0 + "s | %" + w1 + "s | %-" + w2 + "s | %s%n";
    out.printf(f, "metric", "value", "target", "note");
    out.println("-".repeat(w0 + w1 + w2 + 20));
    for (Row r : rows) {
      out.printf(f, r.metric(), r.value(), r.target(), r.note());
    }
  }
}
