package io.snapbank.node.harness;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Bank nodes of one bank running as threads of this process: start them, wait until they run, stop
 * them. The demo, the benchmark and the tests run their nodes through it. Thread-safe.
 */
public final class LocalBank implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private final BankTopics topics;
  private final List<BankNode> nodes = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private Consumer<BankNode> beforeRun = n -> {};

  public LocalBank(BankTopics topics) {
    this.topics = topics;
  }

  public BankTopics topics() {
    return topics;
  }

  /**
   * Calls {@code hook} with every node started from now on, before its thread runs (to {@link
   * BankNode#observe observe} it, for instance).
   */
  public synchronized void onStart(Consumer<BankNode> hook) {
    this.beforeRun = hook;
  }

  /** Starts a node on its own thread; returns at once. */
  public BankNode start(NodeConfig config) {
    return start(config, topics);
  }

  /**
   * Starts a node on its own thread with {@code release}'s serdes instead of the bank's (same
   * prefix): a node of another release, writing with its schemas; returns at once.
   */
  public synchronized BankNode start(NodeConfig config, BankTopics release) {
    if (!release.prefix().equals(topics.prefix())) {
      throw new IllegalArgumentException(
          "a node of bank '" + release.prefix() + "' in bank '" + topics.prefix() + "'");
    }
    BankNode node = new BankNode(config, release);
    beforeRun.accept(node);
    Thread t = new Thread(node, topics.prefix() + "-node-" + config.nodeId());
    t.setDaemon(true);
    t.start();
    nodes.add(node);
    threads.add(t);
    return node;
  }

  /** Starts a node and waits until it runs; throws with the node's reason if it does not. */
  public BankNode startAndAwait(NodeConfig config, Duration timeout) throws InterruptedException {
    BankNode node = start(config);
    awaitReady(node, timeout);
    return node;
  }

  /** Waits until every started node runs; throws naming the first that does not. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    for (BankNode n : nodes()) {
      awaitReady(n, timeout);
    }
  }

  private static void awaitReady(BankNode node, Duration timeout) throws InterruptedException {
    if (!node.awaitReady(timeout)) {
      throw new IllegalStateException(
          "node "
              + node.nodeId()
              + " did not start: "
              + node.failure().orElse("not running after " + timeout.toSeconds() + " s"));
    }
  }

  /** The nodes started so far, in start order (a restarted node appears again). */
  public synchronized List<BankNode> nodes() {
    return List.copyOf(nodes);
  }

  /** The first node that stopped on its own, if any. */
  public Optional<BankNode> failed() {
    return nodes().stream().filter(n -> n.failure().isPresent()).findFirst();
  }

  /** Stops one node and waits for it to have committed and stopped. */
  public void stop(BankNode node) throws InterruptedException {
    node.stop();
    node.awaitStopped(STOP_TIMEOUT);
  }

  /** Stops every node (they commit what is pending) and waits for them. */
  public void stopAll() throws InterruptedException {
    List<BankNode> all = nodes();
    all.forEach(BankNode::stop);
    for (BankNode n : all) {
      n.awaitStopped(STOP_TIMEOUT);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopAll();
  }
}
