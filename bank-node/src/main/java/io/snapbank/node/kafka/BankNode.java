package io.snapbank.node.kafka;

import io.snapbank.node.config.NodeConfig;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.common.errors.InterruptException;

/**
 * One bank node on Kafka: a thread ({@link #run()}) that only drives a {@link NodeLoop}, which
 * feeds the node's pure core. Start it on its own thread, {@link #awaitReady} for it to resume from
 * its last checkpoint, {@link #stop()} it to commit and stop cleanly. A node stops on its own only
 * for a fatal error ({@link #failure()}): a second instance of it took over, it lacks permission,
 * or one of its channels is broken. A transaction the coordinator aborted (it outlived the
 * transaction timeout, as when the broker pauses) does not stop it: it resumes from its last
 * commit.
 */
public final class BankNode implements Runnable {
  private final NodeConfig config;
  private final BankTopics topics;
  private final Clock clock;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private final List<Consumer<NodeStats>> statsListeners = new CopyOnWriteArrayList<>();
  private volatile LongConsumer creditLatencyListener = ms -> {};
  private volatile NodeProbe probe = NodeProbe.NONE;
  private volatile boolean running = true;
  private volatile String failure;
  private volatile NodeStats stats = new NodeStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0);
  private volatile NodeLoop loop;
  private volatile boolean left;

  public BankNode(NodeConfig config, BankTopics topics) {
    this(config, topics, Clock.systemUTC());
  }

  public BankNode(NodeConfig config, BankTopics topics, Clock clock) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
  }

  /** Called on the loop thread with the send-to-credit latency of every credited transfer. */
  public void onCreditLatency(LongConsumer listener) {
    this.creditLatencyListener = listener;
  }

  /**
   * Tells {@code probe} what the node does (see {@link NodeProbe}); set it before the node runs.
   */
  public void observe(NodeProbe probe) {
    this.probe = probe;
  }

  /** Called on the loop thread with the node's figures after every commit. */
  public void onStats(Consumer<NodeStats> listener) {
    statsListeners.add(listener);
  }

  public int nodeId() {
    return config.nodeId();
  }

  public NodeConfig config() {
    return config;
  }

  /** The figures as of the last commit. */
  public NodeStats stats() {
    return stats;
  }

  /** Why the node stopped on its own, if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether the node stopped because it left the bank (a membership change ended it). */
  public boolean left() {
    return left;
  }

  /** Asks the node to commit its open work and stop; returns at once. */
  public void stop() {
    running = false;
    NodeLoop l = loop;
    if (l != null) {
      l.wakeup();
    }
  }

  /** Waits until the node runs (true) or failed to start or timed out (false). */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs the node until {@link #stop()} or a fatal error; see {@link #failure()}. */
  @Override
  public void run() {
    NodeProbe p = probe;
    NodeLoop l =
        new NodeLoop(
            config, topics, clock, this::publish, ms -> creditLatencyListener.accept(ms), p);
    loop = l;
    try (l) {
      l.open();
      ready.countDown();
      if (running) {
        l.run(() -> running);
        left = l.gone();
      }
    } catch (NodeLoop.FatalNodeError e) {
      failure = e.getMessage();
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      failure = running ? "node " + config.nodeId() + " woken up while starting" : null;
    } catch (InterruptException e) {
      failure = running ? "interrupted" : failure;
    } catch (RuntimeException e) {
      failure = "node " + config.nodeId() + " failed: " + e;
    } finally {
      try {
        p.stopped();
      } finally {
        ready.countDown();
        stopped.countDown();
      }
    }
  }

  private void publish(NodeStats s) {
    stats = s;
    for (Consumer<NodeStats> listener : statsListeners) {
      listener.accept(s);
    }
  }
}
