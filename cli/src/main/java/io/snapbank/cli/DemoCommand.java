package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.broker.ClusterSpec;
import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.broker.EmbeddedKafkaCluster;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.metrics.NodeMeters;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.topic.BankTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the whole system in one process: an embedded Kafka broker, N bank nodes moving money,"
            + " and the auditor requesting a snapshot every few seconds. Ctrl-C stops it cleanly.")
final class DemoCommand implements Callable<Integer> {
  @Mixin ChannelOptions channels;

  @Option(
      names = "--nodes",
      defaultValue = "4",
      description = "Bank nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--accounts",
      defaultValue = "10",
      description = "Accounts per node (default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--rate",
      defaultValue = "500",
      description = "Transfers per second per node (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--snapshot-every",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Snapshot period (default ${DEFAULT-VALUE}).")
  Duration snapshotEvery;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description =
          "Stop after this long (e.g. 60 or 60s) and exit non-zero if any snapshot was a VIOLATION; default: run until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--data-dir",
      description =
          "Broker and auditor data directory (default: a temporary directory removed on exit).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Web page port (default ${DEFAULT-VALUE}; 0 = any free port, -1 = off).")
  int httpPort;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Kafka client port (default: any free port).")
  int kafkaPort;

  @Option(
      names = "--restore-after",
      converter = DurationConverter.class,
      description =
          "Roll the bank back to its last verified snapshot once, this long after the start, and"
              + " keep going (at a terminal, 'r' then Enter does the same at any time).")
  Duration restoreAfter;

  @Option(
      names = "--join-after",
      converter = DurationConverter.class,
      description =
          "Admit a new node once, this long after the start, and run it (at a terminal: 'j' then"
              + " Enter).")
  Duration joinAfter;

  @Option(
      names = "--leave-after",
      converter = DurationConverter.class,
      description =
          "Remove the member with the highest id once, this long after the start: it drains to"
              + " the others and leaves (at a terminal: 'l' or 'l N' then Enter).")
  Duration leaveAfter;

  @Option(
      names = "--secure",
      description =
          "Run the broker secure (TLS, SASL/SCRAM-SHA-512, ACLs) and every node, the auditor and"
              + " the restore action with its own principal, as 'init --secure' creates them.")
  boolean secure;

  @Option(
      names = "--brokers",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Kafka brokers: 1 (default), or a cluster of 3 to 5 in this process, every topic"
              + " replicated 3 times with min.insync.replicas 2 (not with --secure).")
  int brokers;

  private final AtomicLong consistent = new AtomicLong();
  private final AtomicLong violations = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicReference<AuditReport> last = new AtomicReference<>();
  private final AtomicReference<AuditReport> lastConsistent = new AtomicReference<>();

  @Override
  public Integer call() throws Exception {
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes must be at least 2");
    }
    ClusterSpec.requireSupportedSize(brokers);
    if (secure && brokers > 1) {
      throw new IllegalArgumentException("--secure runs one broker, not --brokers " + brokers);
    }
    int lanes = channels.partitions();
    ChannelOrder order = channels.order();
    PrintStream out = System.out;
    boolean temp = dataDir == null;
    Path dir = temp ? Files.createTempDirectory("snapbank-demo-") : dataDir;
    BankTopics topics = BankTopics.of("demo");
    BankGenesis wanted =
        BankSetup.genesis(nodes, accounts, 100_000, lanes, order, System.currentTimeMillis());
    AutoCloseable kafka;
    String bootstrap;
    DemoClients clients;
    if (brokers > 1) {
      out.println("starting an embedded Kafka cluster of " + brokers + " brokers...");
      EmbeddedKafkaCluster cluster =
          EmbeddedKafkaCluster.start(dir.resolve("kafka-cluster"), brokers, kafkaPort);
      kafka = cluster;
      bootstrap = cluster.bootstrapServers();
      clients = DemoClients.init(bootstrap, java.util.Map.of(), topics, wanted, dir);
    } else {
      out.println("starting an embedded Kafka broker" + (secure ? " (secure)" : "") + "...");
      EmbeddedKafkaBroker.Builder b =
          EmbeddedKafkaBroker.builder().port(kafkaPort).dataDir(dir.resolve("kafka"));
      EmbeddedKafkaBroker broker = (secure ? b.secure() : b).start();
      kafka = broker;
      bootstrap = broker.bootstrapServers();
      clients = DemoClients.init(broker, topics, wanted, dir);
    }
    BankGenesis genesis = clients.genesis();
    out.printf(
        "Kafka at %s; bank 'demo': %d nodes x %d accounts, total %d%s%n",
        bootstrap,
        nodes,
        accounts,
        genesis.getTotal(),
        (lanes == 1 ? "" : ", " + lanes + " partitions per channel")
            + (order == ChannelOrder.FIFO ? "" : ", channels without order"));
    if (clients.credentials() != null) {
      out.println(
          "secure: TLS, SASL/SCRAM-SHA-512 and ACLs; principals "
              + String.join(", ", clients.credentials().files().keySet())
              + ", each with its own client config (mode 600) in "
              + dir.resolve("credentials"));
    }

    ProcessMeters meters = new ProcessMeters(topics.prefix());
    LocalBank bank = new LocalBank(topics);
    bank.onStart(n -> NodeMeters.bind(n, meters));
    for (int i = 0; i < nodes; i++) {
      startNode(bank, bootstrap, clients, i);
    }
    bank.awaitReady(Duration.ofSeconds(60));
    int webPort = httpPort > 0 && !portFree(httpPort) ? 0 : httpPort;
    if (webPort != httpPort) {
      out.println("port " + httpPort + " is in use; the web page takes a free port instead");
    }
    AuditorConfig ac =
        AuditorConfig.of(bootstrap, "demo", dir.resolve("auditor-state"))
            .withTimeout(Duration.ofSeconds(15))
            .withPunctuateInterval(Duration.ofMillis(250))
            .withRequestPeriod(snapshotEvery)
            .withStorage(dir.resolve("snapshots"), 20)
            .withHttpPort(webPort)
            .withDeepAuditEvery(5)
            .withClientOverrides(clients.auditor());
    AuditorApp auditor = new AuditorApp(ac, meters);
    boolean tty = System.console() != null;
    auditor.onReport(r -> onReport(out, r, tty));
    auditor.start();
    out.println(
        "bank nodes running; auditor requesting a snapshot every "
            + snapshotEvery.toMillis()
            + " ms");
    if (auditor.httpPort() > 0) {
      out.println("web page: http://localhost:" + auditor.httpPort() + "/");
      out.println(
          "metrics (every node and the auditor, Prometheus format): http://localhost:"
              + auditor.httpPort()
              + "/metrics");
      auditor.httpToken().ifPresent(t -> out.println(WebAccess.tokenLine(t)));
    }
    out.println(
        "snapshots are stored in "
            + dir.resolve("snapshots")
            + (duration == null ? "; Ctrl-C stops" : ""));

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch cleaned = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                cleaned.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    DemoActions actions =
        new DemoActions(
            bootstrap,
            clients.operator(),
            topics,
            out,
            () -> Optional.ofNullable(lastConsistent.get()),
            id -> startNode(bank, bootstrap, clients, id));
    DemoActions.Schedule schedule = new DemoActions.Schedule(restoreAfter, joinAfter, leaveAfter);
    if (tty) {
      actions.listenToKeys();
      out.println(
          "keys (then Enter): r rolls the bank back to its last verified snapshot, j admits a"
              + " node, l or l N removes one");
    }
    long start = System.currentTimeMillis();
    boolean auditorFailed = false;
    long lastSent = 0;
    long lastTick = start;
    int tick = 0;
    while (!stop.await(1, TimeUnit.SECONDS)) {
      long now = System.currentTimeMillis();
      long sent =
          bank.nodes().stream()
              .mapToLong(n -> n.stats().transfersSent() + n.stats().localTransfers())
              .sum();
      double perSecond = (sent - lastSent) * 1000.0 / Math.max(1, now - lastTick);
      lastSent = sent;
      lastTick = now;
      String status = status(perSecond);
      if (tty) {
        out.print("\r" + status + "   ");
        out.flush();
      } else if (++tick % 5 == 0) {
        out.println(status);
      }
      if (bank.failed().isPresent()) {
        BankNode n = bank.failed().get();
        out.println();
        out.println("node " + n.nodeId() + " stopped: " + n.failure().orElse(""));
        stop.countDown();
      }
      if (auditor.failure().isPresent()) {
        out.println();
        out.println("the auditor stopped: " + auditor.failure().get());
        auditorFailed = true;
        stop.countDown();
      }
      actions.runDue(schedule, Duration.ofMillis(now - start));
      if (duration != null && now - start >= duration.toMillis()) {
        break;
      }
    }
    if (tty) {
      out.println();
    }
    out.println("stopping...");
    actions.close();
    bank.stopAll();
    auditor.close();
    meters.close();
    kafka.close();
    if (temp) {
      Directories.deleteQuietly(dir);
    }
    out.printf(
        "done: %d consistent, %d violations, %d aborted%n",
        consistent.get(), violations.get(), aborted.get());
    cleaned.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    boolean failed = bank.failed().isPresent() || auditorFailed;
    return violations.get() > 0 || failed ? 1 : 0;
  }

  private void startNode(LocalBank bank, String bootstrap, DemoClients clients, int id) {
    bank.start(
        NodeConfig.of(bootstrap, "demo", id)
            .withClientOverrides(clients.node(id))
            .withWorkload(
                new WorkloadConfig(
                    rate, 500, 0.8, System.nanoTime() + id, WorkloadConfig.DEFAULT_MAX_BACKLOG)));
  }

  private void onReport(PrintStream out, AuditReport r, boolean tty) {
    String prefix = tty ? "\r" : "";
    if (r.getDeepAudit() != null) {
      out.println(
          prefix
              + "  deep audit of snapshot "
              + r.getSnapshotId()
              + ": "
              + (r.getDeepAudit().getVerified()
                  ? "verified"
                  : "FAILED " + r.getDeepAudit().getProblems())
              + ", "
              + r.getDeepAudit().getTransfers().size()
              + " in-flight transfers re-read from the channel logs");
      if (!r.getDeepAudit().getVerified()) {
        violations.incrementAndGet();
      }
      return;
    }
    switch (r.getStatus()) {
      case CONSISTENT -> {
        consistent.incrementAndGet();
        lastConsistent.set(r);
      }
      case VIOLATION -> violations.incrementAndGet();
      case ABORTED -> aborted.incrementAndGet();
      default -> {}
    }
    last.set(r);
    out.println(prefix + ReportFormat.line(r));
  }

  private String status(double perSecond) {
    AuditReport l = last.get();
    return String.format(
        "%,.0f transfers/s | snapshots: %d consistent, %d violations, %d aborted%s",
        perSecond,
        consistent.get(),
        violations.get(),
        aborted.get(),
        l == null
            ? ""
            : " | last: "
                + l.getBalancesTotal()
                + " + "
                + l.getInFlightTotal()
                + " in flight = "
                + (l.getBalancesTotal() + l.getInFlightTotal()));
  }

  private static boolean portFree(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
