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
 * connect to {@link #bootstrapServers()} on 127.0.0.1.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean ownsDir;
  private final int port;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean ownsDir, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.ownsDir = ownsDir;
    this.port = port;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a broker to start. */
  public static final class Builder {
    private int port;
    private Path dataDir;
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

    /** An extra broker setting. */
    public Builder config(String key, String value) {
      config.put(key, value);
      return this;
    }

    /** Formats storage if needed, starts the broker and waits until it serves clients. */
    public EmbeddedKafkaBroker start() {
      try {
        boolean owns = dataDir == null;
        Path dir = owns ? Files.createTempDirectory("snapbank-kafka-") : dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path logDir = dir.resolve("kraft-logs");
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put(
            "listeners",
            "PLAINTEXT://127.0.0.1:"
                + clientPort
                + ","
                + CONTROLLER
                + "://127.0.0.1:"
                + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", CONTROLLER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "5000");
        p.put("transaction.remove.expired.transaction.cleanup.interval.ms", "60000");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.putAll(config);
        KafkaConfig kafkaConfig = KafkaConfig.fromProps(p, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
          Formatter f =
              new Formatter()
                  .setNodeId(NODE_ID)
                  .setClusterId(Uuid.randomUuid().toString())
                  .addDirectory(logDir.toString())
                  .setMetadataLogDirectory(logDir.toString())
                  .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                  .setControllerListenerName(CONTROLLER)
                  .setIgnoreFormatted(true)
                  .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
          f.run();
        }
        KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, owns, clientPort);
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
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of(
                "bootstrap.servers",
                bootstrapServers(),
                "request.timeout.ms",
                "5000",
                "default.api.timeout.ms",
                "10000"))) {
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
