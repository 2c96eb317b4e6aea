package io.snapbank.cli;

import io.snapbank.broker.ClusterSpec;
import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.broker.EmbeddedKafkaCluster;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run Kafka (KRaft) in this process until Ctrl-C, for running the other commands as separate"
          + " processes on one machine: one broker, a cluster of --brokers 3 (to 5) members, or"
          + " one --member of the cluster in --cluster-dir.",
      "A cluster directory is created on first use (its spec, cluster.properties, fixes the"
          + " cluster id and every member's ports) and reused after; --init-only only creates it."
    })
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      description =
          "Client port (default $SNAPBANK_BROKER_PORT or 9092; 0 = any free port). A cluster's"
              + " members take PORT, PORT+2, ... with each one's controller port right after;"
              + " a new --cluster-dir takes free ports unless --port is given.")
  Integer port;

  @Option(
      names = "--brokers",
      paramLabel = "N",
      description =
          "Members of the cluster: 1 (default), or 3 to 5 combined broker+controller members;"
              + " with --cluster-dir, the size of a new cluster (default 3).")
  Integer brokers;

  @Option(
      names = "--cluster-dir",
      paramLabel = "DIR",
      description = "Cluster directory: DIR/cluster.properties and DIR/member-K/, kept.")
  Path clusterDir;

  @Option(
      names = "--member",
      paramLabel = "K",
      description = "Run only member K (0-based) of the cluster in --cluster-dir.")
  Integer member;

  @Option(
      names = "--init-only",
      description = "Create the --cluster-dir's spec, print its bootstrap list and exit.")
  boolean initOnly;

  @Option(
      names = "--data-dir",
      description =
          "Data directory of a single broker, kept across runs (default: a temporary directory"
              + " removed on exit).")
  Path dataDir;

  @Option(
      names = "--secure",
      description =
          "TLS and SASL/SCRAM-SHA-512 on the client port, every request authorized by ACLs (none"
              + " allowed unless granted); the super user's client config is written to"
              + " DATA-DIR/admin.properties (mode 600). Then run 'snapbank init --secure"
              + " --client-config DATA-DIR/admin.properties --credentials-dir DIR'. One broker"
              + " only.")
  boolean secure;

  @Override
  public Integer call() throws Exception {
    if (brokers != null) {
      ClusterSpec.requireSupportedSize(brokers);
    }
    if ((member != null || initOnly) && clusterDir == null) {
      throw new IllegalArgumentException("--member and --init-only need --cluster-dir");
    }
    boolean cluster = clusterDir != null || (brokers != null && brokers > 1);
    if (cluster && secure) {
      throw new IllegalArgumentException("--secure runs one broker, not a cluster");
    }
    if (cluster && dataDir != null) {
      throw new IllegalArgumentException(
          "a cluster keeps its data in --cluster-dir, not --data-dir");
    }
    if (!cluster) {
      return single();
    }
    if (clusterDir == null) {
      return runCluster(EmbeddedKafkaCluster.startTemporary(brokers, basePort()), true);
    }
    int size = brokers == null ? 0 : brokers;
    int base = port == null ? 0 : port;
    ClusterSpec spec = ClusterSpec.loadOrCreate(clusterDir, size, base);
    if (member != null) {
      spec.member(member);
    }
    if (initOnly) {
      System.out.println(
          "Kafka cluster of "
              + spec.brokers()
              + " brokers in "
              + clusterDir
              + ": bootstrap "
              + spec.bootstrapServers()
              + "; start member K with 'snapbank broker --cluster-dir "
              + clusterDir
              + " --member K'");
      return 0;
    }
    if (member == null) {
      return runCluster(EmbeddedKafkaCluster.start(clusterDir, size, base), false);
    }
    return runMember(spec, member);
  }

  private int basePort() {
    if (port != null) {
      return port;
    }
    String env = System.getenv("SNAPBANK_BROKER_PORT");
    return env == null || env.isBlank() ? 9092 : Integer.parseInt(env.strip());
  }

  private int single() throws InterruptedException {
    EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().port(basePort());
    if (dataDir != null) {
      b.dataDir(dataDir);
    }
    if (secure) {
      b.secure();
    }
    EmbeddedKafkaBroker broker = b.start();
    CountDownLatch stopped = onShutdown(broker);
    System.out.println(
        "Kafka broker running at "
            + broker.bootstrapServers()
            + " (data in "
            + broker.dataDir()
            + ")"
            + (broker.secure() ? "; secure: TLS, SASL/SCRAM-SHA-512, ACLs" : "")
            + "; Ctrl-C stops it");
    broker
        .adminConfigFile()
        .ifPresent(f -> System.out.println("admin client config (mode 600): " + f));
    stopped.await();
    return 0;
  }

  private int runCluster(EmbeddedKafkaCluster c, boolean temporary) throws InterruptedException {
    CountDownLatch stopped = onShutdown(c);
    System.out.println(
        "Kafka cluster of "
            + c.size()
            + " brokers running at "
            + c.bootstrapServers()
            + " (data in "
            + c.dir()
            + (temporary ? ", removed on exit" : "")
            + "); Ctrl-C stops it");
    stopped.await();
    return 0;
  }

  private int runMember(ClusterSpec spec, int k) throws InterruptedException {
    System.out.println(
        "starting member "
            + k
            + " of the Kafka cluster in "
            + clusterDir
            + " (it serves once a quorum of "
            + (spec.brokers() / 2 + 1)
            + " members runs)...");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().member(spec, clusterDir, k).start();
    CountDownLatch stopped = onShutdown(broker);
    System.out.println(
        "Kafka broker running at "
            + broker.bootstrapServers()
            + " (member "
            + k
            + " of the cluster at "
            + spec.bootstrapServers()
            + "; data in "
            + broker.dataDir()
            + "); Ctrl-C stops it");
    stopped.await();
    return 0;
  }

  private static CountDownLatch onShutdown(AutoCloseable kafka) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    kafka.close();
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                  stopped.countDown();
                }));
    return stopped;
  }
}
