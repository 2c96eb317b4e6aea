package io.snapbank.cli;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.metrics.MetricsServer;
import io.snapbank.node.metrics.NodeMeters;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run one bank node until stopped (Ctrl-C commits and stops it cleanly).")
final class NodeCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(
      names = {"-n", "--id"},
      required = true,
      defaultValue = "${env:SNAPBANK_NODE_ID}",
      description = "This node's id (env SNAPBANK_NODE_ID).")
  int id;

  @Option(
      names = "--rate",
      defaultValue = "${env:SNAPBANK_RATE:-100}",
      description = "Generated transfers per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--max-amount",
      defaultValue = "100",
      description = "Largest generated amount (default ${DEFAULT-VALUE}).")
  long maxAmount;

  @Option(
      names = "--remote-share",
      defaultValue = "0.8",
      description = "Share of transfers to other nodes (default ${DEFAULT-VALUE}).")
  double remoteShare;

  @Option(
      names = "--commit-ms",
      defaultValue = "${env:SNAPBANK_COMMIT_MS:-100}",
      description =
          "Transaction length in ms (default ${DEFAULT-VALUE}); one that holds a marker or a"
              + " snapshot report commits at once.")
  long commitMs;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:SNAPBANK_METRICS_PORT:--1}",
      description =
          "Serve the node's meters in Prometheus' format at http://ADDRESS:PORT/metrics (env"
              + " SNAPBANK_METRICS_PORT; default ${DEFAULT-VALUE} = off; 0 = any free port).")
  int metricsPort;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:SNAPBANK_METRICS_BIND:-127.0.0.1}",
      description =
          "Address the metrics endpoint listens on (env SNAPBANK_METRICS_BIND; default"
              + " ${DEFAULT-VALUE}: this machine only; 0.0.0.0 = every interface).")
  String metricsBind;

  @Override
  public Integer call() throws Exception {
    NodeConfig config =
        new NodeConfig(
            kafka.bootstrap,
            kafka.prefix,
            id,
            new WorkloadConfig(
                rate,
                maxAmount,
                remoteShare,
                System.nanoTime(),
                WorkloadConfig.DEFAULT_MAX_BACKLOG),
            commitMs,
            kafka.clientConfig());
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port must be -1 (off) or 0..65535");
    }
    BankNode node = new BankNode(config, BankTopics.of(config.prefix()));
    ProcessMeters meters = metricsPort < 0 ? null : new ProcessMeters(config.prefix());
    MetricsServer metrics = null;
    if (meters != null) {
      NodeMeters.bind(node, meters);
      metrics = new MetricsServer(metricsBind, metricsPort, meters::scrape);
      System.out.println("metrics: " + WebAccess.url(metricsBind, metrics.port()) + "metrics");
    }
    Thread loop = new Thread(node, "bank-node-" + id);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.stop();
                  try {
                    loop.join(10_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    loop.start();
    if (node.awaitReady(Duration.ofMinutes(2))) {
      System.out.println(
          "node " + id + " running on " + kafka.bootstrap + " (bank '" + kafka.prefix + "')");
    }
    loop.join();
    if (metrics != null) {
      metrics.close();
      meters.close();
    }
    if (node.failure().isPresent()) {
      System.err.println("error: " + node.failure().get());
      return 1;
    }
    if (node.left()) {
      System.out.println(
          "node " + id + " left bank '" + kafka.prefix + "': its money moved to the other members");
    }
    return 0;
  }
}
