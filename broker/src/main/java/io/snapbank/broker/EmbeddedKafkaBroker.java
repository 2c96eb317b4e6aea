package io.snapbank.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) running inside this
 * JVM, from Kafka's own broker classes. Supports transactions, exactly-once and compacted topics.
 * Data lives in {@link #dataDir()}: a temporary directory deleted on {@link #close()}, or a given
 * directory that is formatted once and reused, so a broker restarted on it keeps its data. Clients
 * connect to {@link #bootstrapServers()} on 127.0.0.1. Alone by default; or one {@link
 * Builder#member member} of a {@link ClusterSpec cluster} ({@link EmbeddedKafkaCluster}).
 *
 * <p>By default the client listener is PLAINTEXT and every client may do anything. {@link
 * Builder#secure() Secure}, it takes only TLS with SASL/SCRAM-SHA-512 and authorizes every request
 * by ACLs ({@code StandardAuthorizer}, nothing allowed unless an ACL grants it); the one super
 * user's client config is {@link #adminClientConfig()}, also written to {@code admin.properties} in
 * the data directory ({@link BrokerSecurity}). A data directory keeps the mode it was created in.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean ownsDir;
  private final int port;
  private final BrokerSecurity security;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server, Path dataDir, boolean ownsDir, int port, BrokerSecurity security) {
    this.server = server;
    this.dataDir = dataDir;
    this.ownsDir = ownsDir;
    this.port = port;
    this.security = security;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a broker to start. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private boolean secure;
    private ClusterSpec cluster;
    private int member;
    private final Map<String, String> config = new LinkedHashMap<>();

    private Builder() {}

    /** Client listener port on 127.0.0.1; 0 (default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Data directory; default: a fresh temporary directory deleted on close. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /**
     * TLS and SASL/SCRAM-SHA-512 on the client listener and ACLs on every request; see {@link
     * BrokerSecurity}.
     */
    public Builder secure() {
      this.secure = true;
      return this;
    }

    /**
     * Makes this broker member {@code k} of the cluster {@code spec}: its node id, ports, cluster
     * id and quorum voters come from the spec, and its data directory is {@link
     * ClusterSpec#memberDir member-k} of cluster directory {@code clusterDir} (its {@link #port}
     * and {@link #dataDir} are ignored). A member's startup returns once a quorum of the spec's
     * members runs, so the members of a cluster larger than one must be started concurrently
     * ({@link EmbeddedKafkaCluster}) or as separate processes. Not {@link #secure()}: security is
     * for single brokers only.
     */
    public Builder member(ClusterSpec spec, Path clusterDir, int k) {
      spec.member(k);
      this.cluster = spec;
      this.member = k;
      this.dataDir = ClusterSpec.memberDir(clusterDir, k);
      return this;
    }

    /** An extra broker setting. */
    public Builder config(String key, String value) {
      config.put(key, value);
      return this;
    }

    /** Formats storage if needed, starts the broker and waits until it serves clients. */
    public EmbeddedKafkaBroker start() {
      try {
        if (secure && cluster != null && cluster.brokers() > 1) {
          throw new IllegalArgumentException("a secure broker runs alone, not in a cluster");
        }
        boolean owns = dataDir == null;
        Path dir = owns ? Files.createTempDirectory("snapbank-kafka-") : dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path logDir = dir.resolve("kraft-logs");
        boolean formatted = Files.exists(logDir.resolve("meta.properties"));
        if (!secure && formatted && BrokerSecurity.isSecure(dir)) {
          throw new IllegalStateException(
              "the broker data directory " + dir + " was created with --secure; start it secure");
        }
        BrokerSecurity security = secure ? BrokerSecurity.loadOrCreate(dir, !formatted) : null;
        String client = secure ? "CLIENT" : "PLAINTEXT";
        int nodeId = cluster == null ? NODE_ID : cluster.member(member).nodeId();
        int clientPort =
            cluster != null ? cluster.member(member).clientPort() : port == 0 ? freePort() : port;
        int controllerPort = cluster == null ? freePort() : cluster.member(member).controllerPort();
        String voters =
            cluster == null ? NODE_ID + "@127.0.0.1:" + controllerPort : cluster.quorumVoters();
        int brokers = cluster == null ? 1 : cluster.brokers();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put(
            "listeners",
            client
                + "://127.0.0.1:"
                + clientPort
                + ","
                + CONTROLLER
                + "://127.0.0.1:"
                + controllerPort);
        p.put("advertised.listeners", client + "://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", CONTROLLER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", client);
        if (security != null) {
          p.putAll(security.brokerConfig(client, CONTROLLER));
        }
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.putAll(ClusterSettings.of(brokers));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "5000");
        p.put("transaction.remove.expired.transaction.cleanup.interval.ms", "60000");
        p.putAll(config);
        KafkaConfig kafkaConfig = KafkaConfig.fromProps(p, false);
        if (!formatted) {
          Formatter f =
              new Formatter()
                  .setNodeId(nodeId)
                  .setClusterId(
                      cluster == null ? Uuid.randomUuid().toString() : cluster.clusterId())
                  .addDirectory(logDir.toString())
                  .setMetadataLogDirectory(logDir.toString())
                  .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                  .setControllerListenerName(CONTROLLER)
                  .setIgnoreFormatted(true)
                  .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
          if (security != null) {
            f.setScramArguments(security.scramArguments());
          }
          f.run();
        }
        KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
        server.startup();
        if (security != null) {
          security.writeAdminConfig();
        }
        EmbeddedKafkaBroker broker =
            new EmbeddedKafkaBroker(server, dir, owns, clientPort, security);
        broker.awaitReady();
        return broker;
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot prepare the broker's data directory: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot start the embedded Kafka broker: " + e.getMessage(), e);
      }
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    Map<String, Object> client = new LinkedHashMap<>(adminClientConfig());
    client.put("bootstrap.servers", bootstrapServers());
    client.put("request.timeout.ms", "5000");
    client.put("default.api.timeout.ms", "10000");
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(client)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get().isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("broker did not become ready: " + e.getCause());
          }
        }
        Thread.sleep(100);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** "127.0.0.1:port" of the client listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Whether clients must authenticate over TLS and are authorized by ACLs. */
  public boolean secure() {
    return security != null;
  }

  /**
   * The client settings of the super user (security protocol, mechanism, credentials, truststore):
   * secret. Empty for a plain broker. Add {@code bootstrap.servers} to use them.
   */
  public Map<String, String> adminClientConfig() {
    return security == null ? Map.of() : security.adminClientConfig();
  }

  /** The file holding {@link #adminClientConfig()} (mode 600), if the broker is secure. */
  public Optional<Path> adminConfigFile() {
    return security == null
        ? Optional.empty()
        : Optional.of(dataDir.resolve(BrokerSecurity.ADMIN_CONFIG_FILE));
  }

  /** Stops the broker cleanly; deletes the data directory if it was a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (ownsDir) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // best effort: a temp dir left behind is harmless
      }
    }
  }
}
