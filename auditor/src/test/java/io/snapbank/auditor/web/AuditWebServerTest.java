package io.snapbank.auditor.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.ChannelState;
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
      reports.add(new LocalSnapshotReport(41L, n, 10L, 11L, 12L, List.of(new AccountBalance("n" + n + "-a000", n == 0 ? 70L : 100L)),
          List.of(new ChannelState(1 - n, n, 0L, n == 1 ? 9L : 0L, n == 1 ? 2L : 0L, n == 1 ? 30L : 0L))));
    }
    web.add(AuditRules.audit(41, reports, 2, 200, 10, 25));
    web.add(AuditRules.aborted(42, List.of(), 2, 200, 30, 5030));
    return web;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void when_reports_are_added_then_api_lists_them_newest_first_and_serves_one_by_id() throws Exception {
    try (AuditWebServer web = serverWithTwoReports()) {
      HttpResponse<String> list = get(web.port(), "/api/reports");
      assertEquals(200, list.statusCode());
      assertTrue(list.body().indexOf("\"snapshotId\" : 42") < list.body().indexOf("\"snapshotId\" : 41"), list.body());
      HttpResponse<String> one = get(web.port(), "/api/reports/41");
      assertTrue(one.body().contains("\"status\" : \"CONSISTENT\"") && one.body().contains("\"inFlightTotal\" : 30"), one.body());
      assertEquals(404, get(web.port(), "/api/reports/99").statusCode());
      assertEquals(400, get(web.port(), "/api/reports/abc").statusCode());
      assertTrue(get(web.port(), "/").body().contains("<title>snapbank audit</title>"));
    }
  }

  @Test
  void when_the_page_is_loaded_in_headless_chromium_then_it_shows_a_consistent_and_an_aborted_snapshot(
      @TempDir Path profile) throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
    try (AuditWebServer web = serverWithTwoReports()) {
      Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
          "http://127.0.0.1:" + web.port() + "/")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String dom = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertTrue(dom.contains("data-status=\"CONSISTENT\"") && dom.contains("data-id=\"41\""), dom);
      assertTrue(dom.contains("data-status=\"ABORTED\"") && dom.contains("data-id=\"42\""), dom);
      assertTrue(dom.contains("1 consistent, 0 violations, 1 aborted"), dom);
      assertTrue(dom.contains("Snapshot 41: CONSISTENT"), "the detail shows the latest complete snapshot");
      assertTrue(dom.contains("30 (2)"), "the channel matrix shows the money in flight: " + dom);
    }
  }
}
