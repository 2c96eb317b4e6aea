package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.node.metrics.NodeMeters;
import io.snapbank.node.metrics.ProcessMeters;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /metrics} exposition of a process running bank nodes and the auditor together (as the
 * demo does), checked by value, by {@code promtool check metrics} and by a real Prometheus server
 * scraping it; and a node process's own {@code --metrics-port}.
 */
class MetricsTest {
  private static final String PREFIX = "metrics-test";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static BankFixture bank;
  private static ProcessMeters meters;
  private static AuditorApp auditor;
  private static AuditReport consistent;

  @BeforeAll
  static void start() throws Exception {
    bank = new BankFixture(SharedBroker.bootstrap(), PREFIX, 3, 4, 10_000);
    meters = new ProcessMeters(PREFIX);
    bank.onStart(n -> NodeMeters.bind(n, meters));
    for (int i = 0; i < 3; i++) {
      bank.start(bank.config(i, 200));
    }
    BlockingQueue<AuditReport> reports = new LinkedBlockingQueue<>();
    auditor =
        new AuditorApp(
            AuditorConfig.of(bank.bootstrap, PREFIX, dir.resolve("auditor"))
                .withTimeout(Duration.ofSeconds(8))
                .withPunctuateInterval(Duration.ofMillis(100))
                .withRequestPeriod(Duration.ofMillis(500))
                .withHttpPort(0),
            meters);
    auditor.onReport(reports::add);
    auditor.start();
    assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor not running");
    long deadline = System.currentTimeMillis() + 60_000;
    while (consistent == null && System.currentTimeMillis() < deadline) {
      AuditReport r = reports.poll(1, TimeUnit.SECONDS);
      if (r != null && r.getStatus() == AuditStatus.CONSISTENT && r.getDeepAudit() == null) {
        consistent = r;
      }
    }
    assertNotNull(consistent, "no CONSISTENT snapshot within a minute: " + auditor.failure());
  }

  @AfterAll
  static void stop() throws Exception {
    if (auditor != null) {
      auditor.close();
    }
    if (bank != null) {
      bank.close();
    }
    if (meters != null) {
      meters.close();
    }
  }

  @Test
  void when_nodes_and_auditor_run_then_metrics_show_their_snapbank_kafka_and_jvm_series()
      throws Exception {
    BankNode node0 = bank.nodes().get(0);
    long sentBefore = node0.stats().transfersSent();
    long creditedBefore = node0.stats().credits();
    String text = scrape(auditor.httpPort());

    assertTrue(sentBefore > 0, "node 0 sent nothing");
    assertTrue(value(text, "snapbank_transfers_sent_total", "node=\"0\"") >= sentBefore, text);
    assertTrue(
        value(text, "snapbank_transfers_credited_total", "node=\"0\"") >= creditedBefore, text);
    assertTrue(value(text, "snapbank_transactions_committed_total", "node=\"1\"") > 0);
    assertTrue(value(text, "snapbank_commit_latency_seconds_count", "node=\"2\"") > 0);
    assertEquals(
        0.0,
        value(text, "snapbank_transfers_quarantined_total", "node=\"0\",reason=\"UNDECODABLE\""));
    assertTrue(value(text, "snapbank_incoming_lag_records", "from=\"1\",node=\"0\"") >= 0);

    assertTrue(value(text, "snapbank_snapshots_total", "status=\"CONSISTENT\"") >= 1, text);
    assertEquals(0.0, value(text, "snapbank_snapshots_total", "status=\"VIOLATION\""));
    assertTrue(
        value(text, "snapbank_snapshot_duration_seconds_count", "status=\"CONSISTENT\"") >= 1);
    assertTrue(
        value(text, "snapbank_snapshot_last_completed_id", "")
            >= (double) consistent.getSnapshotId());
    assertTrue(value(text, "snapbank_snapshot_last_completed_age_seconds", "") >= 0);
    assertEquals(0.0, value(text, "snapbank_snapshot_conservation_difference", ""));
    assertTrue(value(text, "snapbank_snapshot_inflight_transfers", "") >= 0);
    assertTrue(value(text, "snapbank_snapshots_in_progress", "") >= 0, text);
    for (int from = 0; from < 3; from++) {
      for (int to = 0; to < 3; to++) {
        if (from != to) {
          String channel = "from=\"" + from + "\"" + ",to=\"" + to + "\"";
          assertTrue(value(text, "snapbank_channel_marker_wait_records", channel) >= 0, channel);
        }
      }
    }
    assertTrue(text.contains("kafka_producer_txn_commit_time_ns_total{"), "producer meters");
    assertTrue(text.contains("kafka_consumer_fetch_manager_records_consumed_total{"), "consumer");
    assertTrue(text.contains("kafka_stream_thread_"), "Kafka Streams meters");
    assertTrue(text.contains("jvm_memory_used_bytes{"), "JVM meters");
  }

  @Test
  void when_promtool_checks_the_exposition_then_it_parses_and_snapbank_series_pass_its_lint()
      throws Exception {
    Assumptions.assumeTrue(onPath("promtool"), "promtool is not installed");
    String text = scrape(auditor.httpPort());

    Check all = promtool(text);
    // 3: lint problems only (Kafka's own metric names, such as *_time_ns_total); 1 would be an
    // error
    assertTrue(all.code() == 0 || all.code() == 3, all.output());
    assertFalse(all.output().contains("error"), all.output());
    for (String line : all.output().lines().toList()) {
      assertFalse(line.startsWith("snapbank_"), all.output());
    }
    String snapbank = families(text, "snapbank_");
    assertTrue(snapbank.contains("# TYPE snapbank_snapshots_total counter"), snapbank);
    Check ours = promtool(snapbank);
    assertEquals(0, ours.code(), ours.output());
  }

  @Test
  void when_prometheus_scrapes_the_process_then_its_api_answers_a_snapbank_series()
      throws Exception {
    Assumptions.assumeTrue(onPath("prometheus"), "prometheus is not installed");
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: snapbank\n"
            + "    metrics_path: /metrics\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + auditor.httpPort()
            + "']\n");
    Process prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try {
      String query = "snapbank_snapshots_total{status=\"CONSISTENT\",bank=\"" + PREFIX + "\"}";
      JsonNode result = null;
      long deadline = System.currentTimeMillis() + 90_000;
      while (System.currentTimeMillis() < deadline && prometheus.isAlive()) {
        result = query(port, query);
        if (result != null && result.size() > 0) {
          break;
        }
        Thread.sleep(500);
      }
      assertTrue(
          result != null && result.size() == 1,
          "no answer to " + query + ": " + result + "\n" + log(dir.resolve("prometheus.log")));
      JsonNode series = result.get(0);
      assertEquals("snapbank", series.get("metric").get("job").asText());
      assertTrue(series.get("value").get(1).asDouble() >= 1, series.toString());
      for (String expr : dashboardQueries()) {
        assertNotNull(query(port, expr), "Prometheus refused the dashboard's query " + expr);
      }
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @Test
  void when_the_grafana_dashboard_is_read_then_every_series_it_queries_is_in_the_exposition()
      throws Exception {
    String text = scrape(auditor.httpPort());
    List<String> queries = dashboardQueries();
    assertTrue(queries.size() >= 20, queries.toString());
    Pattern series = Pattern.compile("\\b(?:snapbank|kafka|jvm)_[a-z0-9_]+");
    for (String expr : queries) {
      Matcher m = series.matcher(expr);
      assertTrue(m.find(), "no series in " + expr);
      do {
        String name = m.group();
        assertTrue(
            text.contains("\n" + name + "{") || text.contains("\n" + name + " "),
            name + " (queried by " + expr + ") is not in the exposition");
      } while (m.find());
    }
  }

  /** The dashboard's queries, for this test's bank. */
  private static List<String> dashboardQueries() throws IOException {
    Path file = Path.of("").toAbsolutePath().getParent().resolve("docs/grafana/snapbank.json");
    List<String> out = new ArrayList<>();
    new ObjectMapper()
        .readTree(file.toFile())
        .findValues("expr")
        .forEach(e -> out.add(e.asText().replace("$bank", PREFIX)));
    return out;
  }

  @Test
  void when_a_node_process_has_a_metrics_port_then_it_serves_its_committed_counts(@TempDir Path tmp)
      throws Exception {
    String prefix = "metrics-node-process";
    try (BankFixture other = new BankFixture(SharedBroker.bootstrap(), prefix, 2, 2, 1_000)) {
      Path log = tmp.resolve("node.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process node =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.snapbank.cli.Main",
                  "node",
                  "--bootstrap",
                  other.bootstrap,
                  "--prefix",
                  prefix,
                  "--id",
                  "0",
                  "--rate",
                  "100",
                  "--commit-ms",
                  "50",
                  "--metrics-port",
                  "0")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        Pattern url = Pattern.compile("metrics: http://localhost:(\\d+)/metrics");
        int port = -1;
        double committed = 0;
        long deadline = System.currentTimeMillis() + 90_000;
        while (committed <= 0 && System.currentTimeMillis() < deadline && node.isAlive()) {
          Matcher m = url.matcher(log(log));
          if (port < 0 && m.find()) {
            port = Integer.parseInt(m.group(1));
          }
          if (port > 0) {
            OptionalDouble v =
                find(scrape(port), "snapbank_transactions_committed_total", "node=\"0\"", prefix);
            committed = v.orElse(0);
          }
          if (committed <= 0) {
            Thread.sleep(200);
          }
        }
        assertTrue(port > 0, "no metrics URL printed: " + log(log));
        assertTrue(committed > 0, "no committed transaction counted: " + log(log));
        HttpResponse<String> other404 =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/other")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other404.statusCode());
      } finally {
        node.destroy();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
          node.destroyForcibly();
        }
      }
    }
  }

  @Test
  void when_the_metrics_port_is_out_of_range_then_node_says_so_in_one_line() {
    CliTest.Run r = CliTest.run("node", "--id", "0", "--metrics-port", "70000");
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals("error: --metrics-port must be -1 (off) or 0..65535", r.err().strip());
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
        r.headers().toString());
    return r.body();
  }

  /**
   * The value of the sample of {@code name} in this test's bank whose labels include {@code
   * labels}.
   */
  private static double value(String text, String name, String labels) {
    return find(text, name, labels, PREFIX)
        .orElseThrow(() -> new AssertionError("no sample " + name + "{" + labels + "}:\n" + text));
  }

  private static OptionalDouble find(String text, String name, String labels, String bank) {
    for (String line : text.lines().toList()) {
      if (line.startsWith(name + "{")
          && line.contains("bank=\"" + bank + "\"")
          && line.contains(labels)) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }

  /**
   * The families (HELP, TYPE and samples) of the exposition whose names start with {@code prefix}.
   */
  private static String families(String text, String prefix) {
    StringBuilder out = new StringBuilder();
    for (String line : text.lines().toList()) {
      String name = line.startsWith("# ") ? line.split(" ")[2] : line;
      if (name.startsWith(prefix)) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private record Check(int code, String output) {}

  private static Check promtool(String exposition) throws Exception {
    Process p =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    return new Check(p.exitValue(), output);
  }

  private static JsonNode query(int port, String query) throws InterruptedException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/api/v1/query?query="
                              + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return null;
      }
      JsonNode body = new ObjectMapper().readTree(r.body());
      return "success".equals(body.path("status").asText())
          ? body.path("data").path("result")
          : null;
    } catch (IOException e) {
      return null; // not listening yet
    }
  }

  private static boolean onPath(String command) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv("PATH").split(":")));
    return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String log(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
