package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose files, alone and merged ({@code -f docker-compose.yml -f
 * docker-compose.cluster.yml}): which services they hold and which Kafka addresses the snapbank
 * services get. Read here with SnakeYAML, and by {@code docker-compose config} / {@code docker
 * compose config} when one is installed (no Docker engine needed).
 */
class ComposeFilesTest {
  private static final String SINGLE = "kafka:19092";
  private static final String CLUSTER = "kafka:19092,kafka-2:19092,kafka-3:19092";
  private static final List<String> BANK =
      List.of("init", "node-0", "node-1", "node-2", "auditor", "cli");

  private static Path base() {
    return ComposeFile.file("docker-compose.yml");
  }

  private static Path cluster() {
    return ComposeFile.file("docker-compose.cluster.yml");
  }

  @Test
  void when_the_files_are_read_then_every_snapbank_service_gets_the_brokers_of_its_variant()
      throws Exception {
    ComposeFile single = ComposeFile.read(base());
    assertServices(single, List.of("kafka"), SINGLE);

    ComposeFile three = ComposeFile.read(base(), cluster());
    List<String> brokers = List.of("kafka", "kafka-2", "kafka-3");
    assertServices(three, brokers, CLUSTER);
    Set<String> ids = new HashSet<>();
    Set<String> clusterIds = new HashSet<>();
    for (String b : brokers) {
      Map<String, String> env = three.services().get(b).environment();
      ids.add(env.get("KAFKA_NODE_ID"));
      clusterIds.add(env.get("CLUSTER_ID"));
      assertEquals(
          "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093",
          env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"),
          b);
      assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").contains("INTERNAL://" + b + ":19092"), b);
      assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), b);
      assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), b);
      assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), b);
      assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"), b);
      assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), b);
    }
    assertEquals(Set.of("1", "2", "3"), ids);
    assertEquals(1, clusterIds.size(), "one cluster id: " + clusterIds);
    assertTrue(
        three.services().get("init").dependsOn().keySet().containsAll(brokers),
        "init waits for every broker");
  }

  private static void assertServices(ComposeFile f, List<String> brokers, String bootstrap) {
    List<String> all = new ArrayList<>(brokers);
    all.addAll(BANK);
    assertEquals(Set.copyOf(all), f.services().keySet());
    for (String s : BANK) {
      ComposeFile.Service service = f.services().get(s);
      assertTrue(service.snapbank(), s);
      assertEquals(bootstrap, service.environment().get("SNAPBANK_BOOTSTRAP"), s);
    }
    for (String b : brokers) {
      assertEquals("apache/kafka:4.3.1", f.services().get(b).image(), b);
    }
  }

  @Test
  void when_docker_compose_is_installed_then_it_accepts_both_variants_with_their_bootstrap_lists(
      @TempDir Path tmp) throws Exception {
    List<String> tool = composeTool();
    Assumptions.assumeTrue(tool != null, "neither docker-compose nor docker compose is installed");
    Path single = config(tool, tmp.resolve("single.yml"), base());
    assertServices(ComposeFile.read(single), List.of("kafka"), SINGLE);
    Path three = config(tool, tmp.resolve("cluster.yml"), base(), cluster());
    assertServices(ComposeFile.read(three), List.of("kafka", "kafka-2", "kafka-3"), CLUSTER);
  }

  /** {@code config} of {@code files}, merged, as compose prints it (profiles' services too). */
  private static Path config(List<String> tool, Path out, Path... files) throws Exception {
    List<String> cmd = new ArrayList<>(tool);
    for (Path f : files) {
      cmd.add("-f");
      cmd.add(f.toString());
    }
    cmd.add("--profile");
    cmd.add("cli");
    cmd.add("config");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), cmd + ": " + err);
    return out;
  }

  /** {@code docker-compose}, or {@code docker compose} when the plugin answers, or null. */
  private static List<String> composeTool() throws Exception {
    for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
        return List.of(dir + "/docker-compose");
      }
    }
    Path docker =
        Stream.of("/usr/bin/docker", "/usr/local/bin/docker")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    if (docker == null) {
      return null;
    }
    Process p =
        new ProcessBuilder(docker.toString(), "compose", "version")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
        ? List.of(docker.toString(), "compose")
        : null;
  }
}
