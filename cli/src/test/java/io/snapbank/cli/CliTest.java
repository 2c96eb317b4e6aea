package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  /** Output and exit code of one command line. */
  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static Path cos418() {
    Path shared =
        Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolve("../shared/conformance/cos418")
            .normalize();
    return Files.isRegularFile(shared.resolve("cases.tsv"))
        ? shared
        : Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolve("bank-node/src/test/resources/conformance/cos418");
  }

  @Test
  void when_conformance_runs_on_cos418_then_all_pass_and_exit_0() {
    Run r = run("conformance", cos418().toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().strip().endsWith("6 passed, 0 failed"), r.out());
  }

  @Test
  void when_an_expected_value_is_changed_then_conformance_exits_non_zero(@TempDir Path tmp)
      throws IOException {
    try (Stream<Path> files = Files.list(cos418())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, tmp.resolve(f.getFileName()));
      }
    }
    Path snap = tmp.resolve("2nodes-message.snap");
    Files.writeString(snap, Files.readString(snap).replaceFirst("token\\((\\d+)\\)", "token(99)"));
    Run r = run("conformance", tmp.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("FAIL 2nodes-message snapshot 0"), r.out());
    assertTrue(r.out().strip().endsWith("5 passed, 1 failed"), r.out());
  }

  @Test
  void when_the_directory_is_wrong_then_one_line_error_and_no_stack_trace(@TempDir Path tmp) {
    Run r = run("conformance", tmp.resolve("nope").toString());
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: not a directory"), r.err());
  }

  @Test
  void when_arguments_are_wrong_then_usage_error_not_a_stack_trace() {
    Run r = run("snapshot", "--id", "abc");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Invalid value for option '--id'"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Run d = run("demo", "--snapshot-every", "soon");
    assertEquals(2, d.code());
    assertTrue(d.err().contains("'soon' is not a duration"), d.err());
  }

  @Test
  void when_verify_is_given_a_file_that_is_not_a_snapshot_then_it_fails_clearly(@TempDir Path tmp)
      throws IOException {
    Path f = tmp.resolve("x.avro");
    Files.writeString(f, "junk");
    Run r = run("verify", f.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("not a snapshot file"), r.out());
  }

  @Test
  void when_the_demo_runs_for_a_short_duration_then_snapshots_are_consistent_and_it_exits_0() {
    Run r =
        run(
            "demo",
            "--duration",
            "15s",
            "--nodes",
            "3",
            "--http-port",
            "0",
            "--channel-partitions",
            "2");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("2 partitions per channel"), r.out());
    assertTrue(r.out().contains("CONSISTENT"), r.out());
    assertFalse(r.out().contains("VIOLATION"), r.out());
    assertTrue(r.out().contains("web page: http://localhost:"), r.out());
    assertTrue(r.out().matches("(?s).*done: [1-9]\\d* consistent, 0 violations.*"), r.out());
  }

  @Test
  void
      when_the_demo_runs_secure_then_every_process_uses_its_own_principal_and_snapshots_are_consistent() {
    Run r = run("demo", "--secure", "--duration", "20s", "--nodes", "3", "--http-port", "0");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("starting an embedded Kafka broker (secure)"), r.out());
    assertTrue(r.out().contains("principals node-0, node-1, node-2, auditor, operator"), r.out());
    assertTrue(r.out().contains("CONSISTENT"), r.out());
    assertFalse(r.out().contains("VIOLATION"), r.out());
    assertFalse(
        (r.out() + r.err()).contains("password=") || (r.out() + r.err()).contains("PRIVATE KEY"),
        "no secret printed");
    assertTrue(r.out().matches("(?s).*done: [1-9]\\d* consistent, 0 violations.*"), r.out());
  }

  @Test
  void when_compose_file_is_checked_then_docker_compose_accepts_it() throws Exception {
    Path compose = Path.of("").toAbsolutePath().getParent().resolve("docker-compose.yml");
    Path tool =
        Stream.of("/usr/bin/docker-compose", "/usr/local/bin/docker-compose")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(tool != null, "docker-compose is not installed");
    Process p =
        new ProcessBuilder(tool.toString(), "-f", compose.toString(), "config", "-q")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    String services =
        new String(
            new ProcessBuilder(tool.toString(), "-f", compose.toString(), "config", "--services")
                .start()
                .getInputStream()
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertTrue(
        services
            .lines()
            .toList()
            .containsAll(List.of("kafka", "init", "node-0", "node-1", "node-2", "auditor")),
        services);
  }
}
