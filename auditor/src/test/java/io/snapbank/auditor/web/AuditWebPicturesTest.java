package io.snapbank.auditor.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.Members;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.DeepAudit;
import io.snapbank.schemas.InFlightTransfer;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's pictures (the cut in space-time, the charts, the heat-map) and the why/diff API, the
 * pictures in headless Chromium when {@code /usr/bin/chromium} exists.
 */
class AuditWebPicturesTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /**
   * Three nodes; snapshot {@code id} has 3,974,162 (39,741.62) on node 0 and, on channel 0->1, two
   * transfers in flight that a deep audit listed; snapshot 9 is aborted.
   */
  private static AuditWebServer server() {
    AuditWebServer web = new AuditWebServer(0);
    for (long id = 5; id <= 8; id++) {
      web.add(report(id, 1_000 * id, 300 * id));
    }
    web.add(AuditRules.aborted(9, List.of(), Members.range(3), 4_000_000, 9_000, 39_000));
    return web;
  }

  private static AuditReport report(long id, long requestedAt, long markerBase) {
    List<LocalSnapshotReport> locals = new ArrayList<>();
    long[] balances = {3_974_162, 4_000_000 - 3_974_162 - 2_500, 0};
    for (int n = 0; n < 3; n++) {
      List<ChannelState> in = new ArrayList<>();
      for (int from = 0; from < 3; from++) {
        if (from != n) {
          boolean busy = from == 0 && n == 1;
          in.add(
              new ChannelState(
                  from,
                  n,
                  markerBase - (busy ? 2 : 0),
                  markerBase,
                  busy ? 2L : 0L,
                  busy ? 2_500L : 0L,
                  -1L,
                  0,
                  -1L));
        }
      }
      locals.add(
          new LocalSnapshotReport(
              id,
              n,
              requestedAt,
              requestedAt + 5,
              requestedAt + 40,
              List.of(new AccountBalance("n" + n + "-a000", balances[n])),
              in,
              List.of(),
              List.of(),
              0L,
              0L));
    }
    AuditReport r =
        AuditRules.audit(id, locals, Members.range(3), 4_000_000, requestedAt, requestedAt + 40);
    return AuditReport.newBuilder(r)
        .setDeepAudit(
            new DeepAudit(
                true,
                List.of(
                    new InFlightTransfer(0, 1, markerBase - 2, "t-" + id + "-1", 1_000L),
                    new InFlightTransfer(0, 1, markerBase - 1, "t-" + id + "-2", 1_500L)),
                List.of()))
        .build();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void when_why_or_diff_is_asked_badly_then_400_or_404_with_a_message() throws Exception {
    try (AuditWebServer web = server()) {
      web.onWhy(
          id ->
              id == 9
                  ? InquiryAnswer.ok("{\"snapshotId\":9,\"cause\":\"NODE_DOWN\"}")
                  : InquiryAnswer.notFound("bank 'x' has no snapshot " + id));
      web.onDiff(
          (a, b) ->
              a > b
                  ? InquiryAnswer.badRequest("give the earlier one first")
                  : InquiryAnswer.ok("{}"));
      ObjectMapper json = new ObjectMapper();
      assertEquals(200, get(web.port(), "/api/why/9").statusCode());
      HttpResponse<String> unknown = get(web.port(), "/api/why/77");
      assertEquals(404, unknown.statusCode());
      assertEquals(
          "bank 'x' has no snapshot 77", json.readTree(unknown.body()).get("error").asText());
      HttpResponse<String> notNumber = get(web.port(), "/api/why/abc");
      assertEquals(400, notNumber.statusCode());
      assertEquals(
          "snapshot id must be a number", json.readTree(notNumber.body()).get("error").asText());
      HttpResponse<String> wrongOrder = get(web.port(), "/api/diff/8/5");
      assertEquals(400, wrongOrder.statusCode());
      assertEquals(
          "give the earlier one first", json.readTree(wrongOrder.body()).get("error").asText());
      assertEquals(200, get(web.port(), "/api/diff/5/8").statusCode());
      assertEquals(400, get(web.port(), "/api/diff/5/x").statusCode());
      assertEquals(404, get(web.port(), "/api/diff/5").statusCode());
      assertEquals(404, get(web.port(), "/api/why/5/6").statusCode());
      assertEquals("[]", get(web.port(), "/api/pending").body());
    }
  }

  private static Process chromium(Path profile, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void await(Process p) throws InterruptedException {
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done, "chromium finished");
  }

  private static long count(String dom, String regex) {
    Matcher m = Pattern.compile(regex).matcher(dom);
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void when_the_page_is_loaded_in_headless_chromium_then_the_cut_the_charts_and_the_heat_map_show(
      @TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
    Path shot = tmp.resolve("page.png");
    Path dom = tmp.resolve("dom.html");
    try (AuditWebServer web = server()) {
      web.onWhy(
          id ->
              InquiryAnswer.ok(
                  "{\"snapshotId\":"
                      + id
                      + ",\"stage\":\"ABORTED\",\"abortReason\":\"TIMED_OUT\",\"cause\":"
                      + "\"NODE_DOWN\",\"explanation\":\"node 2 has never committed\","
                      + "\"evidence\":[\"node 2: not recorded, not reported; never committed\"]}"));
      String url = "http://127.0.0.1:" + web.port() + "/";
      Process dump =
          new ProcessBuilder(
                  CHROMIUM.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + Files.createDirectory(tmp.resolve("p1")),
                  "--virtual-time-budget=5000",
                  "--dump-dom",
                  url)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(dom.toFile())
              .start();
      await(dump);
      await(
          chromium(
              Files.createDirectory(tmp.resolve("p2")),
              "--window-size=1400,1600",
              "--screenshot=" + shot,
              url));
    }
    String d = Files.readString(dom);
    assertTrue(d.contains("<svg id=\"spacetime\""), d);
    assertEquals(3, count(d, "<g class=\"lane\" data-node=\"\\d\">"), "a lane per node");
    assertEquals(3, count(d, "<circle class=\"cut-point\""), "a recording point per node");
    assertEquals(6, count(d, "<line class=\"marker\""), "a marker per channel");
    assertEquals(
        2,
        count(d, "<line class=\"in-flight\" data-from=\"0\" data-to=\"1\" data-amount=\"1[05]00\""),
        "the deep audit's in-flight transfers cross the cut: " + d);
    assertTrue(d.contains("id=\"cut-line\""), d);
    assertTrue(d.contains("39,741.62"), "money in major units with separators: " + d);
    assertEquals(5, barsIn(d, "chart-latency"), "a latency bar per snapshot, the aborted one too");
    assertEquals(4, barsIn(d, "chart-inflight"), "money in flight of the 4 consistent cuts");
    assertEquals(3, barsIn(d, "chart-throughput"), "a rate between each two consecutive cuts");
    assertTrue(
        d.contains("data-value=\"1800\""),
        "300 more records on each of 6 channels in 1 s: 1,800 records/s: " + d);
    assertTrue(d.contains("data-heat=\"1.00\""), "the fullest channel is hottest: " + d);
    assertTrue(d.contains("data-heat=\"0.00\""), "an empty channel is cold: " + d);
    assertTrue(Files.size(shot) > 10_000, "a screenshot was taken");
    byte[] png = Files.readAllBytes(shot);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
  }

  private static long barsIn(String dom, String chart) {
    Matcher m = Pattern.compile("<svg id=\"" + chart + "\"[\\s\\S]*?</svg>").matcher(dom);
    return m.find() ? count(m.group(), "<rect class=\"bar\"") : -1;
  }

  @Test
  void when_an_aborted_snapshot_is_selected_in_chromium_then_its_diagnosis_is_shown(
      @TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
    Path dom = tmp.resolve("dom.html");
    try (AuditWebServer web = new AuditWebServer(0)) {
      web.add(AuditRules.aborted(9, List.of(), Members.range(3), 4_000_000, 9_000, 39_000));
      web.onWhy(
          id ->
              InquiryAnswer.ok(
                  "{\"snapshotId\":"
                      + id
                      + ",\"stage\":\"ABORTED\",\"abortReason\":\"TIMED_OUT\",\"cause\":"
                      + "\"NODE_DOWN\",\"explanation\":\"node 2 has never committed\","
                      + "\"evidence\":[\"node 2: not recorded, not reported; never committed\"]}"));
      web.onPending(
          () -> InquiryAnswer.ok("[{\"snapshotId\":10,\"requestedAtMs\":40000,\"epoch\":0}]"));
      Process p =
          new ProcessBuilder(
                  CHROMIUM.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + Files.createDirectory(tmp.resolve("p")),
                  "--virtual-time-budget=5000",
                  "--dump-dom",
                  "http://127.0.0.1:" + web.port() + "/")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(dom.toFile())
              .start();
      await(p);
    }
    String d = Files.readString(dom);
    assertTrue(d.contains("data-cause=\"NODE_DOWN\""), d);
    assertTrue(
        d.contains("snapshot 9 ABORTED (TIMED_OUT): node 2 has never committed"), "cause: " + d);
    assertTrue(d.contains("node 2: not recorded, not reported; never committed"), d);
    assertTrue(d.contains("no cut: the snapshot was aborted"), d);
    assertTrue(d.contains("class=\"pending\" data-id=\"10\""), "pending snapshots listed: " + d);
  }
}
