package io.snapbank.auditor.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.config.ApiToken;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.Members;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the auditor's web API: state-changing requests without the token or with a wrong one,
 * malformed snapshot ids, huge bodies and paths, and a failing handler. Each is answered 4xx (or a
 * fixed 500 for the failure) with a JSON message, and no deep audit is run.
 */
class WebApiAttackTest {
  private static final ApiToken TOKEN = new ApiToken("correct-horse-battery-staple");
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger runs = new AtomicInteger();

  private AuditWebServer server() {
    AuditWebServer web = new AuditWebServer("127.0.0.1", 0, TOKEN);
    web.add(AuditRules.aborted(41, List.of(), Members.range(2), 200, 0, 1));
    web.onDeepAudit(
        id -> {
          runs.incrementAndGet();
          return DeepAuditAnswer.of(id, web.get(id));
        });
    return web;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder at(AuditWebServer web, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path));
  }

  private static String error(HttpResponse<String> r) throws IOException {
    return new ObjectMapper().readTree(r.body()).get("error").asText();
  }

  @Test
  void when_a_post_has_no_token_or_a_wrong_one_then_401_or_403_and_nothing_runs() throws Exception {
    try (AuditWebServer web = server()) {
      HttpResponse<String> none =
          send(at(web, "/api/reports/41/deep-audit").POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(401, none.statusCode());
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertTrue(error(none).contains("API token"), none.body());
      HttpResponse<String> wrong =
          send(
              at(web, "/api/reports/41/deep-audit")
                  .header("Authorization", "Bearer correct-horse-battery-stapl")
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, wrong.statusCode());
      HttpResponse<String> basic =
          send(
              at(web, "/api/reports/41/deep-audit")
                  .header("Authorization", "Basic " + TOKEN.value())
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(401, basic.statusCode());
      HttpResponse<String> malformedWithoutToken =
          send(at(web, "/api/reports/x/deep-audit").POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(401, malformedWithoutToken.statusCode(), "the token is checked first");
      assertEquals(0, runs.get());
      HttpResponse<String> ok =
          send(
              at(web, "/api/reports/41/deep-audit")
                  .header("Authorization", "Bearer " + TOKEN.value())
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, ok.statusCode());
      assertEquals(1, runs.get());
    }
  }

  @Test
  void when_snapshot_ids_are_malformed_then_400_with_a_message_and_nothing_runs() throws Exception {
    try (AuditWebServer web = server()) {
      for (String id :
          List.of(
              "abc", "-1", "+41", "4.1", "1e3", "99999999999999999999", "%00", "%2e%2e", "41%20")) {
        HttpResponse<String> post =
            send(
                at(web, "/api/reports/" + id + "/deep-audit")
                    .header("Authorization", "Bearer " + TOKEN.value())
                    .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, post.statusCode(), id + ": " + post.body());
        assertEquals("snapshot id must be a number", error(post));
        assertEquals(400, send(at(web, "/api/reports/" + id)).statusCode(), id);
      }
      assertEquals(0, runs.get());
    }
  }

  /** Sends {@code head} (request line and headers) and {@code body} raw; returns the answer. */
  private static String raw(AuditWebServer web, String head, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", web.port())) {
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void when_bodies_or_paths_are_huge_then_413_or_414_and_nothing_runs() throws Exception {
    try (AuditWebServer web = server()) {
      String auth = "Authorization: Bearer " + TOKEN.value() + "\r\n";
      String declared =
          raw(
              web,
              "POST /api/reports/41/deep-audit HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + "Content-Length: 1073741824\r\n\r\n",
              new byte[2048]);
      assertTrue(declared.startsWith("HTTP/1.1 413"), declared);
      assertTrue(declared.contains("limited to 1024 bytes"), declared);
      StringBuilder chunks = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        chunks.append("400\r\n").append("x".repeat(1024)).append("\r\n");
      }
      String chunked =
          raw(
              web,
              "POST /api/reports/41/deep-audit HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + "Transfer-Encoding: chunked\r\n\r\n",
              chunks.append("0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
      String notANumber =
          raw(
              web,
              "POST /api/reports/41/deep-audit HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + "Content-Length: lots\r\n\r\n",
              new byte[0]);
      assertTrue(notANumber.startsWith("HTTP/1.1 4"), notANumber);
      HttpResponse<String> longPath = send(at(web, "/api/reports/" + "1".repeat(600)));
      assertEquals(414, longPath.statusCode());
      assertEquals(0, runs.get());
      HttpResponse<String> small =
          send(
              at(web, "/api/reports/41/deep-audit")
                  .header("Authorization", "Bearer " + TOKEN.value())
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(200, small.statusCode(), "a small body is ignored");
    }
  }

  @Test
  void when_a_handler_fails_then_500_with_a_fixed_message_and_no_detail() throws Exception {
    try (AuditWebServer web = server()) {
      web.onDeepAudit(
          id -> {
            throw new IllegalStateException("detail that stays in the log: /etc/secret");
          });
      HttpResponse<String> r =
          send(
              at(web, "/api/reports/41/deep-audit")
                  .header("Authorization", "Bearer " + TOKEN.value())
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(500, r.statusCode());
      assertEquals("internal error; see the auditor's log", error(r));
      assertFalse(r.body().contains("secret") || r.body().contains("at io."), r.body());
    }
  }

  @Test
  void when_the_page_and_the_api_are_read_then_the_token_is_nowhere() throws Exception {
    try (AuditWebServer web = server()) {
      for (String path : List.of("/", "/api/reports", "/api/reports/41", "/api/epochs")) {
        HttpResponse<String> r = send(at(web, path));
        assertEquals(200, r.statusCode(), path);
        assertFalse(r.body().contains(TOKEN.value()), path);
      }
      assertEquals("ApiToken[hidden]", TOKEN.toString());
    }
  }

  @Test
  void when_no_address_is_given_then_only_this_machine_can_connect() throws Exception {
    try (AuditWebServer web = new AuditWebServer(0)) {
      assertEquals("127.0.0.1", web.address());
      assertTrue(web.token().value().length() >= ApiToken.MIN_LENGTH, "a token is generated");
      Optional<InetAddress> external =
          Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
              .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
              .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address)
              .findFirst();
      if (external.isPresent()) {
        assertThrows(
            IOException.class,
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external.get(), web.port()), 5000);
              }
            },
            "not reachable on " + external.get());
      }
    }
  }
}
