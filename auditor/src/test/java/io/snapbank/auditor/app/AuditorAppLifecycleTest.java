package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.web.DeepAuditAnswer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's lifecycle without a reachable broker: it starts, serves its page, and closes. */
class AuditorAppLifecycleTest {

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void
      when_started_against_an_address_without_kafka_then_web_is_up_nothing_is_known_and_close_returns(
          @TempDir Path tmp) throws Exception {
    String nowhere = "127.0.0.1:" + freePort();
    AuditorConfig config = AuditorConfig.of(nowhere, "life", tmp.resolve("state")).withHttpPort(0);
    AuditorApp app = new AuditorApp(config);
    try {
      app.start();
      assertThrows(IllegalStateException.class, app::start, "started once only");
      assertFalse(app.awaitRunning(Duration.ofMillis(300)), "no broker, no running topology");
      assertFalse(app.isRunning());
      assertTrue(app.httpPort() > 0);
      HttpResponse<String> list =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + app.httpPort() + "/api/reports"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, list.statusCode());
      assertEquals("[ ]", list.body().trim());
      assertEquals(
          new DeepAuditAnswer.Unknown(5),
          app.deepAudit(5),
          "an unknown snapshot has nothing to deep-audit");
      assertTrue(app.latestReports(10).isEmpty());
      assertTrue(app.counters().isEmpty());
      assertTrue(app.failure().isEmpty());
    } finally {
      app.close();
      app.close(); // idempotent
    }
  }

  @Test
  void when_the_web_page_is_off_then_no_port_is_reported(@TempDir Path tmp) {
    AuditorApp app = new AuditorApp(AuditorConfig.of("127.0.0.1:9", "life", tmp.resolve("state")));
    try {
      assertEquals(-1, app.httpPort());
    } finally {
      app.close();
    }
  }
}
