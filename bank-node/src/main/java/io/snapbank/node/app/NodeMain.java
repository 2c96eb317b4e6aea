package io.snapbank.node.app;

import io.snapbank.node.kafka.BankNode;
import io.snapbank.schemas.topic.BankTopics;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs one bank node as its own process until it is stopped (SIGTERM/Ctrl-C commit and stop it
 * cleanly). Arguments: {@code --bootstrap HOST:PORT --prefix P --node ID [--rate N] [--commit-ms N]
 * [--max-amount N]}. Exits 0 when stopped, 2 on a usage error, 1 when the node stopped on its own
 * (the reason is printed).
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println(
            "usage: --bootstrap HOST:PORT --prefix P --node ID [--rate N] [--commit-ms N] [--max-amount N]");
        System.exit(2);
      }
      a.put(args[i].substring(2), args[++i]);
    }
    NodeConfig config;
    try {
      NodeConfig base =
          NodeConfig.of(
              a.getOrDefault("bootstrap", ""),
              a.getOrDefault("prefix", "snapbank"),
              Integer.parseInt(a.getOrDefault("node", "-1")));
      config =
          new NodeConfig(
              base.bootstrapServers(),
              base.prefix(),
              base.nodeId(),
              Double.parseDouble(a.getOrDefault("rate", "100")),
              Long.parseLong(a.getOrDefault("max-amount", "100")),
              base.remoteShare(),
              Long.parseLong(a.getOrDefault("commit-ms", "100")),
              base.seed() + System.nanoTime(),
              Map.of());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(config));
  }

  /** Runs a node in this thread with a shutdown hook that stops it; returns the exit code. */
  public static int run(NodeConfig config) throws InterruptedException {
    BankNode node = new BankNode(config, BankTopics.of(config.prefix()));
    Thread loop = new Thread(node, "bank-node-" + config.nodeId());
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
    if (node.awaitReady(java.time.Duration.ofMinutes(2))) {
      System.out.println(
          "node "
              + config.nodeId()
              + " running on "
              + config.bootstrapServers()
              + " (bank '"
              + config.prefix()
              + "')");
    }
    loop.join();
    if (node.failure().isPresent()) {
      System.err.println("error: " + node.failure().get());
      return 1;
    }
    return 0;
  }
}
