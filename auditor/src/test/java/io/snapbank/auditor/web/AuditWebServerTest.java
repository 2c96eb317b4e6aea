package io.snapbank.auditor.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.EpochFixtures;
import io.snapbank.auditor.core.Members;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.LocalSnapshotReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditWebServerTest {

  private static AuditWebServer serverWithTwoReports() {
    AuditWebServer web = new AuditWebServer(0);
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      reports.add(
          new LocalSnapshotReport(
              41L,
              n,
              10L,
              11L,
              12L,
              List.of(new AccountBalance("n" + n + "-a000", n == 0 ? 70L : 100L)),
              List.of(
                  new ChannelState(
                      1 - n,
                      n,
                      0L,
                      n == 1 ? 9L : 0L,
                      n == 1 ? 2L : 0L,
                      n == 1 ? 30L : 0L,
                      -1L,
                      0,
                      -1L)),
              List.of(),
              List.of(),
              0L,
              0L));
    }
    web.add(AuditRules.audit(41, reports, Members.range(2), 200, 10, 25));
    web.add(
        AuditReport.newBuilder(AuditRules.aborted(42, List.of(), Members.of(0, 2), 200, 30, 5030))
            .setEpoch(1L)
            .setAbortReason("EPOCH_CHANGED")
            .setRetryOf(40L)
            .build());
    web.epoch(EpochFixtures.change(1, EpochKind.LEFT, 1, List.of(0, 2), 0, 30));
    web.add(
        AuditReport.newBuilder(AuditRules.audit(43, reports, Members.range(2), 200, 40, 60))
            .setEpoch(2L)
            .setIncarnation(2L)
            .build());
    web.epoch(EpochFixtures.restore(2, List.of(0, 1), 200));
    return web;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void when_metrics_are_set_then_get_metrics_answers_them_in_prometheus_text_format()
      throws Exception {
    try (AuditWebServer web = new AuditWebServer(0)) {
      assertEquals(404, get(web.port(), "/metrics").statusCode(), "no meters set");
      web.onMetrics(() -> "# TYPE snapbank_x_total counter\nsnapbank_x_total 3.0\n");
      HttpResponse<String> r = get(web.port(), "/metrics");
      assertEquals(200, r.statusCode());
      assertEquals("snapbank_x_total 3.0", r.body().lines().toList().get(1));
      assertEquals(
          "text/plain; version=0.0.4; charset=utf-8",
          r.headers().firstValue("Content-Type").orElse(""));
      assertEquals(405, post(web, "/metrics").statusCode());
    }
  }

  @Test
  void when_reports_are_added_then_api_lists_them_newest_first_and_serves_one_by_id()
      throws Exception {
    try (AuditWebServer web = serverWithTwoReports()) {
      HttpResponse<String> list = get(web.port(), "/api/reports");
      assertEquals(200, list.statusCode());
      assertTrue(
          list.body().indexOf("\"snapshotId\" : 42") < list.body().indexOf("\"snapshotId\" : 41"),
          list.body());
      HttpResponse<String> one = get(web.port(), "/api/reports/41");
      assertTrue(
          one.body().contains("\"status\" : \"CONSISTENT\"")
              && one.body().contains("\"inFlightTotal\" : 30"),
          one.body());
      JsonNode retry = new ObjectMapper().readTree(get(web.port(), "/api/reports/42").body());
      assertEquals(40, retry.get("retryOf").asLong());
      assertEquals(1, retry.get("epoch").asLong());
      assertEquals("[0,2]", retry.get("members").toString());
      assertEquals(null, new ObjectMapper().readTree(one.body()).get("retryOf"), "no retry");
      JsonNode epochs = new ObjectMapper().readTree(get(web.port(), "/api/epochs").body());
      assertEquals("LEFT", epochs.get(0).get("kind").asText());
      assertEquals(1, epochs.get(0).get("leaving").asInt());
      assertEquals(30, epochs.get(0).get("moneyOut").asLong());
      assertEquals(0, epochs.get(0).get("moneyIn").asLong());
      assertEquals(404, get(web.port(), "/api/reports/99").statusCode());
      assertEquals(400, get(web.port(), "/api/reports/abc").statusCode());
      assertEquals(404, get(web.port(), "/api/reports/41/nothing").statusCode());
      assertEquals(404, get(web.port(), "/nothing").statusCode());
      HttpResponse<String> page = get(web.port(), "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(page.body().contains("<title>snapbank audit</title>"));
      assertTrue(page.body().contains("fetch('/api/reports'"), "the page polls the API");
      assertFalse(
          page.body().contains("src=\"http") || page.body().contains("href=\"http"),
          "no external assets");
    }
  }

  @Test
  void when_the_list_is_asked_then_json_of_at_most_50_newest_first() throws Exception {
    try (AuditWebServer web = new AuditWebServer(0)) {
      for (long id = 1; id <= 60; id++) {
        web.add(AuditRules.aborted(id, List.of(), Members.range(2), 200, 0, id));
      }
      JsonNode list = new ObjectMapper().readTree(get(web.port(), "/api/reports").body());
      assertEquals(50, list.size());
      assertEquals(60, list.get(0).get("snapshotId").asLong());
      assertEquals(11, list.get(49).get("snapshotId").asLong());
      assertEquals("ABORTED", list.get(0).get("status").asText());
      assertEquals(2, list.get(0).get("missingNodes").size());
    }
  }

  @Test
  void when_a_report_is_updated_then_the_latest_version_is_served() throws Exception {
    try (AuditWebServer web = serverWithTwoReports()) {
      web.add(AuditRules.aborted(41, List.of(), Members.range(2), 200, 0, 1));
      JsonNode one = new ObjectMapper().readTree(get(web.port(), "/api/reports/41").body());
      assertEquals("ABORTED", one.get("status").asText());
    }
  }

  @Test
  void when_a_deep_audit_is_posted_then_the_app_runs_it_and_get_is_refused() throws Exception {
    try (AuditWebServer web = serverWithTwoReports()) {
      web.onDeepAudit(
          id -> DeepAuditAnswer.of(id, id == 41 ? web.get(41) : java.util.Optional.empty()));
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> post =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + web.port() + "/api/reports/41/deep-audit"))
                  .header("Authorization", "Bearer " + web.token().value())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, post.statusCode());
      assertTrue(post.body().contains("\"snapshotId\" : 41"), post.body());
      assertEquals(405, get(web.port(), "/api/reports/41/deep-audit").statusCode());
      HttpResponse<String> missing =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + web.port() + "/api/reports/7/deep-audit"))
                  .header("Authorization", "Bearer " + web.token().value())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
      HttpResponse<String> postList =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/api/reports"))
                  .header("Authorization", "Bearer " + web.token().value())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, postList.statusCode());
    }
  }

  /** A POST with the server's API token, as an operator sends it. */
  private static HttpResponse<String> post(AuditWebServer web, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .header("Authorization", "Bearer " + web.token().value())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void when_a_deep_audit_is_queued_refused_or_failed_then_202_503_or_500_with_a_json_message()
      throws Exception {
    try (AuditWebServer web = serverWithTwoReports()) {
      web.onDeepAudit(
          id ->
              switch ((int) id) {
                case 1 -> new DeepAuditAnswer.Queued("queued \"1\"");
                case 2 -> new DeepAuditAnswer.Refused("the queue is full");
                default -> new DeepAuditAnswer.Failed("no log");
              });
      HttpResponse<String> queued = post(web, "/api/reports/1/deep-audit");
      assertEquals(202, queued.statusCode());
      assertEquals(
          "queued \"1\"", new ObjectMapper().readTree(queued.body()).get("message").asText());
      HttpResponse<String> refused = post(web, "/api/reports/2/deep-audit");
      assertEquals(503, refused.statusCode());
      assertEquals(
          "the queue is full", new ObjectMapper().readTree(refused.body()).get("error").asText());
      assertEquals(500, post(web, "/api/reports/3/deep-audit").statusCode());
    }
  }

  @Test
  void
      when_the_page_is_loaded_in_headless_chromium_then_it_shows_a_consistent_and_an_aborted_snapshot(
          @TempDir Path tmp) throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Path profile = Files.createDirectory(tmp.resolve("profile"));
    Path out = tmp.resolve("dom.html");
    Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
    try (AuditWebServer web = serverWithTwoReports()) {
      Process p =
          new ProcessBuilder(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + profile,
                  "--virtual-time-budget=5000",
                  "--dump-dom",
                  "http://127.0.0.1:" + web.port() + "/")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(out.toFile())
              .start();
      boolean done = p.waitFor(60, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      assertTrue(done, "chromium finished");
      String dom = Files.readString(out);
      assertTrue(dom.contains("data-status=\"CONSISTENT\"") && dom.contains("data-id=\"41\""), dom);
      assertTrue(dom.contains("data-status=\"ABORTED\"") && dom.contains("data-id=\"42\""), dom);
      assertTrue(dom.contains("2 consistent, 0 violations, 1 aborted"), dom);
      assertTrue(
          dom.contains("Snapshot 43: CONSISTENT"), "the detail shows the latest complete snapshot");
      assertTrue(dom.contains("0.30 (2)"), "the channel matrix shows the money in flight: " + dom);
      assertTrue(
          dom.contains("data-from=\"0\" data-to=\"1\" data-sum=\"30\" data-count=\"2\""), dom);
      assertTrue(dom.contains("data-node=\"0\" data-balance=\"70\""), "per-node balances: " + dom);
      assertTrue(dom.contains("n0-a000: 0.70"), "per-account balances: " + dom);
      assertTrue(dom.contains("data-epoch=\"1\" data-members=\"0, 2\" data-retry-of=\"40\""), dom);
      assertTrue(dom.contains("data-epoch=\"0\" data-members=\"0, 1\""), dom);
      assertTrue(dom.contains("42 (retry of 40)"), "the list names the snapshot retried: " + dom);
      assertTrue(
          dom.contains("epoch 2, incarnation 2 (restored in epoch 2), members 0, 1"),
          "the detail names epoch, incarnation and members: " + dom);
      assertTrue(
          dom.contains("data-epoch=\"2\" data-members=\"0, 1\" data-incarnation=\"2\""), dom);
      assertTrue(dom.contains("2 (incarnation 2)"), "the list shows the incarnation: " + dom);
      assertTrue(dom.contains("restore to snapshot"), "the history names the restore: " + dom);
      assertTrue(dom.contains("LEFT node 1"), "the history names the node: " + dom);
    }
  }
}
