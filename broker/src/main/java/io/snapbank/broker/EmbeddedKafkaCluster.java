package io.snapbank.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * A KRaft cluster of {@link ClusterSpec} members (each a combined broker and controller, each a
 * voter) running inside this JVM, each an {@link EmbeddedKafkaBroker} with its own client port and
 * data directory. Clients connect to {@link #bootstrapServers()}. With three members or more,
 * topics are replicated three times with two in-sync replicas required ({@code ClusterSettings});
 * {@link #stop} and {@link #restart} stop one member and start it again on the same ports and data,
 * as a crash and recovery of one machine would.
 *
 * <p>The cluster directory is a temporary one deleted on {@link #close()}, or a given one, created
 * on first use and reused after, that separate processes may share: {@code snapbank broker
 * --cluster-dir D --member K} runs one member of it. Not secure: TLS, SCRAM and ACLs are for a
 * single {@link EmbeddedKafkaBroker}.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
  private final ClusterSpec spec;
  private final Path dir;
  private final boolean ownsDir;
  private final EmbeddedKafkaBroker[] members;
  private boolean closed;

  private EmbeddedKafkaCluster(ClusterSpec spec, Path dir, boolean ownsDir) {
    this.spec = spec;
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.members = new EmbeddedKafkaBroker[spec.brokers()];
  }

  /**
   * Starts every member of a new cluster of {@code brokers} on free ports in a temporary directory;
   * returns once all serve clients.
   */
  public static EmbeddedKafkaCluster start(int brokers) {
    return startTemporary(brokers, 0);
  }

  /**
   * Starts every member of a new cluster of {@code brokers} in a temporary directory, client ports
   * from {@code basePort} ({@link ClusterSpec#create}; 0: free ports).
   */
  public static EmbeddedKafkaCluster startTemporary(int brokers, int basePort) {
    try {
      Path dir = Files.createTempDirectory("snapbank-cluster-");
      return start(dir, ClusterSpec.loadOrCreate(dir, brokers, basePort), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a cluster directory: " + e.getMessage(), e);
    }
  }

  /**
   * Starts every member of the cluster in {@code dir}, creating it ({@code brokers} members, client
   * ports from {@code basePort}, see {@link ClusterSpec#create}) when it holds none; the directory
   * is kept.
   */
  public static EmbeddedKafkaCluster start(Path dir, int brokers, int basePort) {
    return start(dir, ClusterSpec.loadOrCreate(dir, brokers, basePort), false);
  }

  private static EmbeddedKafkaCluster start(Path dir, ClusterSpec spec, boolean owns) {
    EmbeddedKafkaCluster c = new EmbeddedKafkaCluster(spec, dir, owns);
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (int k = 0; k < spec.brokers(); k++) {
      int member = k;
      // concurrently: a member's startup waits for a quorum of the others
      starts.add(CompletableFuture.runAsync(() -> c.startMember(member), c::newThread));
    }
    try {
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      c.close();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return c;
  }

  private void newThread(Runnable r) {
    Thread t = new Thread(r, "cluster-member-start");
    t.setDaemon(true);
    t.start();
  }

  private void startMember(int k) {
    EmbeddedKafkaBroker b = EmbeddedKafkaBroker.builder().member(spec, dir, k).start();
    synchronized (this) {
      members[k] = b;
    }
  }

  /** The members' client addresses, comma separated. */
  public String bootstrapServers() {
    return spec.bootstrapServers();
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** The cluster directory: {@value ClusterSpec#FILE} and one data directory per member. */
  public Path dir() {
    return dir;
  }

  public int size() {
    return spec.brokers();
  }

  /** Whether member {@code k} runs. */
  public synchronized boolean running(int k) {
    spec.member(k);
    return members[k] != null;
  }

  /** The KRaft node id (Kafka's broker id) of member {@code k}. */
  public int nodeId(int k) {
    return spec.member(k).nodeId();
  }

  /** Stops member {@code k} cleanly, keeping its data; does nothing if it is stopped. */
  public void stop(int k) {
    EmbeddedKafkaBroker b;
    synchronized (this) {
      spec.member(k);
      b = members[k];
      members[k] = null;
    }
    if (b != null) {
      b.close();
    }
  }

  /**
   * Starts member {@code k} again on its ports and data; returns once it serves clients (with the
   * others running, at once; alone, once a quorum is back). Does nothing if it runs.
   */
  public void restart(int k) {
    if (!running(k)) {
      startMember(k);
    }
  }

  /** Stops every member; deletes the directory if it was a temporary one. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // concurrently: a member's clean shutdown waits for the controller quorum the others hold
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (int k = 0; k < members.length; k++) {
      int member = k;
      stops.add(CompletableFuture.runAsync(() -> stop(member), this::newThread));
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    if (ownsDir) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // best effort: a temp dir left behind is harmless
      }
    }
  }
}
