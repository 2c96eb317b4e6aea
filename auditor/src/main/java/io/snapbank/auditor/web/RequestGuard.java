package io.snapbank.auditor.web;

import com.sun.net.httpserver.HttpExchange;
import io.snapbank.auditor.config.ApiToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the web API checks before it acts on a request, each check giving the client error to send
 * when it fails: the size of the body, the API token of a state-changing request, the form of a
 * snapshot id. Stateless apart from the token; thread-safe.
 */
final class RequestGuard {
  /** Bodies larger than this are refused unread (no endpoint takes a body). */
  static final int MAX_BODY = 1024;

  /** Paths longer than this are refused. */
  static final int MAX_PATH = 512;

  private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
  private static final String BEARER = "Bearer ";

  /** A client error: the status and the message to send. */
  record Refusal(int status, String message) {}

  private final ApiToken token;

  RequestGuard(ApiToken token) {
    this.token = token;
  }

  /**
   * A refusal when the request's path is too long or its body larger than {@link #MAX_BODY}; reads
   * and drops a small body so the connection can be reused.
   */
  Refusal checkSize(HttpExchange ex) throws IOException {
    if (ex.getRequestURI().getRawPath().length() > MAX_PATH) {
      return new Refusal(414, "the path is longer than " + MAX_PATH + " characters");
    }
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        return new Refusal(400, "Content-Length is not a number");
      }
      if (n > MAX_BODY) {
        return new Refusal(413, "request bodies are limited to " + MAX_BODY + " bytes");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      if (in.readNBytes(MAX_BODY + 1).length > MAX_BODY) {
        return new Refusal(413, "request bodies are limited to " + MAX_BODY + " bytes");
      }
    }
    return null;
  }

  /**
   * A refusal unless the request presents the API token as {@code Authorization: Bearer TOKEN}: 401
   * without one, 403 with a wrong one.
   */
  Refusal checkToken(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith(BEARER)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"snapbank auditor\"");
      return new Refusal(
          401, "this request changes state: send the auditor's API token as Authorization: Bearer");
    }
    if (!token.matches(auth.substring(BEARER.length()).strip())) {
      return new Refusal(403, "wrong API token");
    }
    return null;
  }

  /** The snapshot id in {@code text}: 1 to 18 decimal digits. */
  static OptionalLong snapshotId(String text) {
    return ID.matcher(text).matches()
        ? OptionalLong.of(Long.parseLong(text))
        : OptionalLong.empty();
  }
}
