package io.snapbank.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * A bank run as separate processes (brokers, {@code init}, the nodes, the auditor requesting a
 * snapshot every 500 ms), the faults of a schedule injected into it, then a quiet end: the auditor
 * restarted without its own requests, a final snapshot, every requested snapshot's report awaited,
 * the nodes and the auditor stopped cleanly. Every process logs to a file in the run's directory.
 */
final class FaultRun implements AutoCloseable {
  static final String PREFIX = "faults";
  static final int ACCOUNTS = 10;
  static final long OPENING = 100_000;
  private static final String AUDITOR_TIMEOUT = "20s";

  private final FaultSettings settings;
  private final PrintStream out;
  private final Path dir;
  private final Queue<String> unexpectedExits = new ConcurrentLinkedQueue<>();
  private final Brokers brokers;
  private final List<ManagedProcess> nodes = new ArrayList<>();
  private ManagedProcess auditor;
  private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
  private final List<Long> finalSnapshots = new ArrayList<>();
  private int restarts;
  private final Thread orphanGuard = new Thread(this::killAll, "fault-run-orphan-guard");

  FaultRun(FaultSettings settings, PrintStream out) throws IOException {
    this.settings = settings;
    this.out = out;
    this.dir = settings.workDir().resolve("seed-" + settings.seed()).toAbsolutePath();
    deleteTree(dir);
    Files.createDirectories(dir);
    this.brokers =
        settings.brokers() == 1
            ? new SingleBroker(dir, unexpectedExits::add)
            : new ThreeMemberCluster(dir, unexpectedExits::add);
    Runtime.getRuntime().addShutdownHook(orphanGuard);
  }

  /** kill -9 of every process still running: no process outlives the JVM that started it. */
  private void killAll() {
    List<ManagedProcess> all = new ArrayList<>(nodes);
    all.add(auditor);
    all.addAll(brokers.members());
    for (ManagedProcess p : all) {
      if (p != null && p.alive()) {
        try {
          p.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  Path dir() {
    return dir;
  }

  String bootstrap() {
    return brokers.bootstrap();
  }

  Brokers brokers() {
    return brokers;
  }

  /** Exits no fault caused, in order. */
  List<String> unexpectedExits() {
    return List.copyOf(unexpectedExits);
  }

  Map<FaultKind, Integer> injected() {
    return Map.copyOf(injected);
  }

  /** The final snapshots asked for while quiescing (the last one is the one that counted). */
  List<Long> finalSnapshots() {
    return List.copyOf(finalSnapshots);
  }

  /** Restarts after a kill -9. */
  int restarts() {
    return restarts;
  }

  /** Starts the brokers, initialises the bank and starts the nodes and the auditor. */
  void start() throws Exception {
    brokers.start();
    int rc =
        ManagedProcess.runOnce(
            List.of(
                "init",
                "--bootstrap",
                bootstrap(),
                "--prefix",
                PREFIX,
                "--nodes",
                Integer.toString(settings.nodes()),
                "--accounts",
                Integer.toString(ACCOUNTS),
                "--opening",
                Long.toString(OPENING)),
            dir.resolve("init.log"),
            120);
    if (rc != 0) {
      throw new IllegalStateException("snapbank init failed (" + rc + "), see " + dir);
    }
    for (int i = 0; i < settings.nodes(); i++) {
      ManagedProcess n =
          new ManagedProcess(
              "node-" + i,
              List.of(
                  "node",
                  "--bootstrap",
                  bootstrap(),
                  "--prefix",
                  PREFIX,
                  "--id",
                  Integer.toString(i),
                  "--rate",
                  "200",
                  "--commit-ms",
                  "50"),
              dir.resolve("node-" + i + ".log"),
              unexpectedExits::add);
      n.start();
      nodes.add(n);
    }
    auditor = auditorProcess("500ms", "auditor.log");
    auditor.start();
    awaitLive(180);
  }

  /**
   * Waits until every node has committed a checkpoint and the auditor has published a report, so
   * that faults hit a bank at work; throws when it does not get there in time.
   */
  private void awaitLive(long timeoutSeconds) throws Exception {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < settings.nodes(); i++) {
      tps.add(new TopicPartition(PREFIX + ".node-state", i));
    }
    tps.add(new TopicPartition(PREFIX + ".audit-reports", 0));
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try (Admin admin = admin()) {
      while (unexpectedExits.isEmpty()) {
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        if (admin.listOffsets(latest, committed).all().get(60, TimeUnit.SECONDS).values().stream()
            .allMatch(o -> o.offset() > 0)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the bank did not start work within " + timeoutSeconds + " s; logs in " + dir);
        }
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("while starting: " + unexpectedExits.peek());
  }

  private ManagedProcess auditorProcess(String requestPeriod, String log) {
    return new ManagedProcess(
        "auditor",
        List.of(
            "auditor",
            "--bootstrap",
            bootstrap(),
            "--prefix",
            PREFIX,
            "--state-dir",
            dir.resolve("auditor-state").toString(),
            "--snapshot-dir",
            dir.resolve("auditor-snapshots").toString(),
            "--http-port",
            "-1",
            "--timeout",
            AUDITOR_TIMEOUT,
            "--request-period",
            requestPeriod),
        dir.resolve(log),
        unexpectedExits::add);
  }

  /**
   * Injects the schedule's faults, one at a time, then waits out the schedule's duration; stops at
   * once when a process exited on its own.
   */
  void inject(FaultSchedule schedule) throws Exception {
    long start = System.currentTimeMillis();
    int i = 0;
    for (Fault f : schedule.faults()) {
      i++;
      if (!unexpectedExits.isEmpty()) {
        out.println("faults stopped: " + unexpectedExits.peek());
        return;
      }
      long wait = start + f.atMs() - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      double at = (System.currentTimeMillis() - start) / 1000.0;
      LocalTime clock = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
      String what = apply(f);
      injected.merge(f.kind(), 1, Integer::sum);
      out.printf(
          "fault %d/%d at %.1fs (%s UTC): %s %s, %.1fs%n",
          i,
          schedule.faults().size(),
          at,
          clock,
          f.kind(),
          what,
          (System.currentTimeMillis() - start) / 1000.0 - at);
    }
    long end = start + settings.duration().toMillis();
    while (System.currentTimeMillis() < end && unexpectedExits.isEmpty()) {
      Thread.sleep(Math.min(500, Math.max(1, end - System.currentTimeMillis())));
    }
  }

  private String apply(Fault f) throws Exception {
    ManagedProcess target = target(f);
    if (!target.alive()) {
      return target.name() + " skipped: not running";
    }
    switch (f.kind()) {
      case NODE_KILL:
      case AUDITOR_KILL:
        return killAndRestart(target, f.holdMs(), null);
      case BROKER_KILL:
        return killAndRestart(target, f.holdMs(), brokers);
      case BROKER_PAUSE:
      case NODE_PAUSE:
        return pause(target, f.holdMs());
      default:
        throw new IllegalArgumentException(f.kind().name());
    }
  }

  private ManagedProcess target(Fault f) throws Exception {
    return switch (f.kind()) {
      case NODE_KILL, NODE_PAUSE -> nodes.get(f.node());
      case AUDITOR_KILL -> auditor;
      case BROKER_KILL, BROKER_PAUSE -> busiestBroker();
    };
  }

  private String killAndRestart(ManagedProcess p, long downMs, Brokers serving) throws Exception {
    p.kill();
    Thread.sleep(downMs);
    p.start();
    restarts++;
    if (serving != null) {
      serving.awaitServing(p);
    }
    return p.name() + " killed, down " + downMs + " ms, restarted";
  }

  private String pause(ManagedProcess p, long holdMs) throws Exception {
    p.pause();
    try {
      Thread.sleep(holdMs);
    } finally {
      p.resume();
    }
    return p.name() + " stopped " + holdMs + " ms, continued";
  }

  private ManagedProcess busiestBroker() throws Exception {
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < settings.nodes(); i++) {
      channels.add(PREFIX + ".transfers." + i);
    }
    try (Admin admin = admin()) {
      return brokers.leadingMost(admin, channels);
    }
  }

  /** Stops the nodes and the auditor (SIGTERM), leaving the brokers up for the checker. */
  void stopBank() throws InterruptedException {
    for (ManagedProcess n : nodes) {
      n.stop(60);
    }
    auditor.stop(60);
  }

  /**
   * Ends the run quietly: the auditor restarted without periodic requests, a CONSISTENT final
   * snapshot (three attempts), every requested snapshot's report, then the nodes and the auditor
   * stopped by SIGTERM. Returns null, or why the bank did not get there.
   */
  String quiesce(LogReader reader) throws Exception {
    auditor.stop(60);
    auditor = auditorProcess("0", "auditor-quiet.log");
    auditor.start();
    String failure = "no CONSISTENT final snapshot in 3 attempts";
    for (int attempt = 0; attempt < 3 && failure != null; attempt++) {
      long id = System.currentTimeMillis();
      finalSnapshots.add(id);
      Path log = dir.resolve("final-snapshot.log");
      int rc =
          ManagedProcess.runOnce(
              List.of(
                  "snapshot",
                  "--bootstrap",
                  bootstrap(),
                  "--prefix",
                  PREFIX,
                  "--id",
                  Long.toString(id),
                  "--wait",
                  "--timeout",
                  "90"),
              log,
              150);
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (rc == 0
          && text.lastIndexOf("CONSISTENT") > text.lastIndexOf("requested snapshot " + id)) {
        failure = null;
      }
    }
    String pending = reader.awaitReports(120);
    stopBank();
    reader.awaitNoOpenTransaction(90);
    if (failure != null) {
      return failure;
    }
    return pending;
  }

  @Override
  public void close() throws Exception {
    for (ManagedProcess n : nodes) {
      n.stop(30);
    }
    if (auditor != null) {
      auditor.stop(30);
    }
    // The verdict is taken by now and the cluster's data is scratch: kill -9 instead of a clean
    // stop, which on the last member of a cluster waits out its lost quorum.
    for (ManagedProcess b : brokers.members()) {
      b.kill();
    }
    Runtime.getRuntime().removeShutdownHook(orphanGuard);
  }

  /** An admin client of the run's cluster. */
  Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return Admin.create(p);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
