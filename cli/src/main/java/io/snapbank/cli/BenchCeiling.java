package io.snapbank.cli;

import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Kafka's own transactional produce rate with transfer-sized records and the nodes' producer
 * settings: one ProducerPerformance per node, each in its own JVM, all at once; their rates add up.
 */
final class BenchCeiling {
  private final BenchContext ctx;
  private final BenchContext.Options o;
  private final PrintStream out;
  private final List<BenchContext.Row> rows = new ArrayList<>();

  BenchCeiling(BenchContext ctx) {
    this.ctx = ctx;
    this.o = ctx.o;
    this.out = ctx.out;
  }

  // 1. Kafka's transactional produce rate with transfer-sized records, in a separate JVM.
  /** Measures and returns Kafka's rate; its row is added to {@link #rows}. */
  double run() throws Exception {
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
                    0L,
                    false,
                    0,
                    -1L,
                    -1L,
                    0L))
            .length;
    String topic = "bench-ceiling-" + ctx.run;
    try (Admin admin = BankSetup.admin(o.bootstrap(), o.client())) {
      admin
          .createTopics(List.of(new NewTopic(topic, o.nodes(), (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    out.printf(
        "[1/10] Kafka ceiling: ProducerPerformance x %d, transactional, %d records of %d bytes...%n",
        o.nodes(), o.ceilingRecords(), size);
    // one producer per node, all at once, each in its own JVM, with the nodes' producer settings
    List<Process> producers = new ArrayList<>();
    for (int k = 0; k < o.nodes(); k++) {
      producers.add(producerPerformance(topic, "bench-ceiling-" + ctx.run + "-" + k, size));
    }
    double rate = 0;
    for (Process p : producers) {
      rate += rateOf(p);
    }
    rows.add(
        new BenchContext.Row(
            "Kafka transactional produce (ProducerPerformance)",
            BenchContext.fmt(rate) + " records/s",
            "-",
            o.nodes()
                + " producers at once (one per node), "
                + size
                + "-byte records, acks=all, linger 5 ms, 128 KB batches, 100 ms transactions"));
    return rate;
  }

  private Process producerPerformance(String topic, String transactionalId, int size)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                Long.toString(Math.max(1, o.ceilingRecords() / o.nodes())),
                "--record-size",
                Integer.toString(size),
                "--throughput",
                "-1",
                "--transactional-id",
                transactionalId,
                "--transaction-duration-ms",
                "100",
                "--producer-props",
                "bootstrap.servers=" + o.bootstrap(),
                "acks=all",
                "linger.ms=5",
                "batch.size=131072"));
    if (o.clientConfigFile() != null) {
      // the file, not its secrets, goes on the command line
      args.addAll(List.of("--producer.config", o.clientConfigFile().toString()));
    }
    return BenchContext.java(args.get(0), args.subList(1, args.size()).toArray(new String[0]))
        .start();
  }

  /** The records/s a finished ProducerPerformance reported. */
  private static double rateOf(Process p) throws Exception {
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
    return rate;
  }

  List<BenchContext.Row> rows() {
    return rows;
  }
}
