package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.broker.EmbeddedKafkaCluster;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the snapbank services of the compose files as processes of the real entry point, with each
 * service's {@code command} and {@code environment} as the file gives them, in {@code depends_on}
 * order, against in-process Kafka standing in for the Kafka services. A wrong command, option or
 * variable in a compose file fails here without a Docker engine. The substitutions, each needed
 * only because the services run on one machine instead of in containers:
 *
 * <ul>
 *   <li>each address of {@code SNAPBANK_BOOTSTRAP} ({@code kafka:19092}, ...) becomes the client
 *       address of the in-process broker standing for that Kafka service;
 *   <li>{@code --http-port 8080} becomes a free port, {@code --http-bind 0.0.0.0} becomes
 *       127.0.0.1;
 *   <li>paths under {@code /data} (the auditor's volume) move into a temporary directory.
 * </ul>
 *
 * Compose's {@code restart: on-failure} is not imitated: a service that exits non-zero fails the
 * test.
 */
class ComposeServicesTest {

  @Test
  void when_the_compose_services_run_as_processes_then_the_bank_runs_and_snapshots_are_consistent(
      @TempDir Path tmp) throws Exception {
    ComposeFile compose = ComposeFile.read(ComposeFile.file("docker-compose.yml"));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
      run(compose, Map.of("kafka", broker.bootstrapServers()), logs(tmp, "single"));
    }
  }

  /**
   * The same for the three-broker variant: about three minutes on a small machine, so it runs only
   * when asked for, with {@code -Dsnapbank.compose.cluster=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "snapbank.compose.cluster", matches = "true")
  void
      when_the_cluster_compose_services_run_as_processes_on_three_brokers_then_snapshots_are_consistent(
          @TempDir Path tmp) throws Exception {
    ComposeFile compose =
        ComposeFile.read(
            ComposeFile.file("docker-compose.yml"), ComposeFile.file("docker-compose.cluster.yml"));
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
      String[] members = cluster.bootstrapServers().split(",");
      Map<String, String> kafka =
          Map.of("kafka", members[0], "kafka-2", members[1], "kafka-3", members[2]);
      String init = run(compose, kafka, logs(tmp, "cluster"));
      assertTrue(init.contains("replication factor 3, min.insync.replicas 2"), init);
    }
  }

  /**
   * Where the services' logs and data go: {@code target/compose-services/NAME}, kept for a look
   * after a failure, or {@code tmp} when there is no target directory.
   */
  private static Path logs(Path tmp, String name) throws java.io.IOException {
    Path target = Path.of("target");
    if (!Files.isDirectory(target)) {
      return tmp;
    }
    Path dir = target.resolve("compose-services").resolve(name);
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return Files.createDirectories(dir);
  }

  /**
   * Runs every snapbank service of {@code compose}, the Kafka services being the in-process brokers
   * {@code kafka} (service name to client address); returns init's output.
   */
  private static String run(ComposeFile compose, Map<String, String> kafka, Path tmp)
      throws Exception {
    for (ComposeFile.Service s : compose.services().values()) {
      assertTrue(
          s.snapbank() || kafka.containsKey(s.name()),
          "service " + s.name() + " is neither snapbank nor a Kafka broker replaced here");
    }
    Map<String, Process> started = new LinkedHashMap<>();
    String bootstrap = null;
    String prefix = null;
    try {
      for (ComposeFile.Service s : compose.startOrder()) {
        if (!s.snapbank()) {
          continue;
        }
        for (Map.Entry<String, String> d : s.dependsOn().entrySet()) {
          awaitDependency(s, d.getKey(), d.getValue(), started, kafka, tmp);
        }
        Map<String, String> env = environment(s, kafka);
        bootstrap = env.get("SNAPBANK_BOOTSTRAP");
        prefix = env.get("SNAPBANK_PREFIX");
        started.put(s.name(), start(s, env, tmp));
      }
      assertNotNull(bootstrap, "no snapbank service");
      assertTrue(started.containsKey("init") && started.containsKey("auditor"), "" + started);
      String consistent = awaitConsistentReport(bootstrap, prefix, started, tmp);
      assertTrue(consistent.contains("members [0, 1, 2]"), consistent);

      // the cli profile's service asks for one more snapshot and waits for its report
      for (ComposeFile.Service s : compose.services().values()) {
        if (s.snapbank() && !s.profiles().isEmpty()) {
          Process p = start(s, environment(s, kafka), tmp);
          assertTrue(p.waitFor(120, TimeUnit.SECONDS), s.name() + " did not finish");
          String out = log(tmp, s.name());
          assertEquals(0, p.exitValue(), s.name() + ": " + out);
          assertTrue(out.contains("CONSISTENT"), s.name() + ": " + out);
        }
      }
      for (Map.Entry<String, Process> e : started.entrySet()) {
        if (!e.getKey().equals("init")) {
          assertTrue(e.getValue().isAlive(), e.getKey() + " stopped: " + log(tmp, e.getKey()));
        }
      }
      String init = log(tmp, "init");
      assertTrue(init.contains("genesis written"), init);
      return init;
    } finally {
      started.values().forEach(Process::destroy);
      for (Process p : started.values()) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static void awaitDependency(
      ComposeFile.Service s,
      String on,
      String condition,
      Map<String, Process> started,
      Map<String, String> kafka,
      Path tmp)
      throws InterruptedException, java.io.IOException {
    if (kafka.containsKey(on)) {
      return; // the in-process Kafka serves before any service starts
    }
    Process p = started.get(on);
    assertNotNull(p, s.name() + " depends on " + on + ", which did not start before it");
    if (condition.equals("service_completed_successfully")) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), on + " did not complete");
      assertEquals(0, p.exitValue(), on + " failed: " + log(tmp, on));
    }
  }

  private static Map<String, String> environment(ComposeFile.Service s, Map<String, String> kafka) {
    Map<String, String> env = new LinkedHashMap<>(s.environment());
    String servers = env.get("SNAPBANK_BOOTSTRAP");
    assertNotNull(servers, s.name() + " has no SNAPBANK_BOOTSTRAP");
    env.put(
        "SNAPBANK_BOOTSTRAP",
        Arrays.stream(servers.split(","))
            .map(
                a -> {
                  String host = a.strip().split(":")[0];
                  assertTrue(kafka.containsKey(host), s.name() + ": unknown broker " + a);
                  return kafka.get(host);
                })
            .collect(Collectors.joining(",")));
    return env;
  }

  private static Process start(ComposeFile.Service s, Map<String, String> env, Path tmp)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx320m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.snapbank.cli.Main");
    List<String> args = s.command();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String option = i > 0 ? args.get(i - 1) : "";
      if (option.equals("--http-port")) {
        a = Integer.toString(freePort());
      } else if (option.equals("--http-bind")) {
        a = "127.0.0.1";
      } else if (a.startsWith("/data/")) {
        a = tmp.resolve("data").resolve(a.substring("/data/".length())).toString();
      }
      cmd.add(a);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("SNAPBANK_"));
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve(s.name() + ".log").toFile()))
        .start();
  }

  /** Waits for a CONSISTENT report of the auditor's own periodic snapshots; returns its line. */
  private static String awaitConsistentReport(
      String bootstrap, String prefix, Map<String, Process> running, Path tmp) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (true) {
      CliTest.Run r = CliTest.run("report", "--list", "--bootstrap", bootstrap, "--prefix", prefix);
      assertFalse(r.out().contains("VIOLATION"), r.out());
      for (String line : r.out().lines().toList()) {
        if (line.contains("CONSISTENT")) {
          return line;
        }
      }
      for (Map.Entry<String, Process> e : running.entrySet()) {
        if (!e.getKey().equals("init") && !e.getValue().isAlive()) {
          throw new AssertionError(e.getKey() + " stopped: " + log(tmp, e.getKey()));
        }
      }
      assertTrue(
          System.currentTimeMillis() < deadline, "no CONSISTENT report: " + r.out() + r.err());
      Thread.sleep(1000);
    }
  }

  private static String log(Path tmp, String service) throws java.io.IOException {
    Path f = tmp.resolve(service + ".log");
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
