package io.snapbank.cli;

import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recovery after a broker restart: a bank of the run's size on a broker of its own (so the rest of
 * the run keeps its broker), the broker stopped while the nodes commit, started again on the same
 * port and data, and the time from the broker serving again to every node's next commit. It uses an
 * embedded broker even when the rest of the run is against {@code --bootstrap}.
 */
final class BenchBrokerRestart {
  private static final Duration DOWN = Duration.ofSeconds(2);
  private final BenchContext ctx;

  BenchBrokerRestart(BenchContext ctx) {
    this.ctx = ctx;
  }

  List<BenchContext.Row> run() throws Exception {
    String label = "recovery: broker restart to every node committing";
    int nodes = ctx.o.nodes();
    ctx.out.printf(
        "[6/10] recovery: broker stopped under load, started again, %d nodes' next commit...%n",
        nodes);
    Path dir = ctx.o.work().resolve("restart-kafka");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).start();
    int port = broker.port();
    String bootstrap = broker.bootstrapServers();
    BankTopics topics = BankTopics.of("bench-" + ctx.run + "-restart");
    BankSetup.init(
        bootstrap,
        Map.of(),
        topics,
        BankSetup.genesis(nodes, 5, 1_000_000L, 1, ChannelOrder.FIFO, 0));
    LocalBank bank = new LocalBank(topics);
    List<Double> seconds = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        bank.start(ctx.config(bootstrap, Map.of(), topics.prefix(), i, 1000, 100, 1.0, i + 1));
      }
      bank.awaitReady(Duration.ofSeconds(60));
      List<BankNode> running = bank.nodes();
      BenchContext.awaitCondition(
          () -> running.stream().allMatch(n -> n.stats().commits() > 5), Duration.ofSeconds(60));
      broker.close();
      long[] before = running.stream().mapToLong(n -> n.stats().commits()).toArray();
      Thread.sleep(DOWN.toMillis());
      broker = EmbeddedKafkaBroker.builder().dataDir(dir).port(port).start();
      long ready = System.nanoTime();
      for (int i = 0; i < running.size(); i++) {
        BankNode n = running.get(i);
        long was = before[i];
        BenchContext.awaitCondition(() -> n.stats().commits() > was, Duration.ofSeconds(120));
        seconds.add((System.nanoTime() - ready) / 1e9);
      }
    } finally {
      bank.stopAll();
      broker.close();
    }
    double all = seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return List.of(
        new BenchContext.Row(
            label,
            String.format("%.1f s", all),
            "<= 5 s",
            String.format(
                "from the broker serving again (down %d s, clean stop); per node %s s",
                DOWN.toSeconds(), fmt(seconds))));
  }

  private static String fmt(List<Double> s) {
    List<String> out = new ArrayList<>();
    for (double d : s) {
      out.add(String.format("%.1f", d));
    }
    return String.join("/", out);
  }
}
