package io.snapbank.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A process's {@code GET /metrics} endpoint on its own port (JDK server, one thread), for a process
 * without a web page: it answers the {@link ProcessMeters#scrape() scrape} in Prometheus' text
 * format, 405 to any other method and 404 to any other path.
 */
public final class MetricsServer implements AutoCloseable {
  private final LocalHttpServer server;
  private final Supplier<String> scrape;

  /**
   * Serves {@code scrape} on {@code bind} (a host name or IP address) and {@code port} (0 = any
   * free port); fails with one message naming the address when it cannot listen there.
   */
  public MetricsServer(String bind, int port, Supplier<String> scrape) {
    this.scrape = scrape;
    server = new LocalHttpServer(bind, port, 1, "metrics-http", "metrics", this::handle);
  }

  /** The port it listens on. */
  public int port() {
    return server.address().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals("/metrics")) {
        send(ex, 404, "text/plain; charset=utf-8", "not found; metrics are at /metrics\n");
      } else if (!ex.getRequestMethod().equals("GET")) {
        ex.getResponseHeaders().set("Allow", "GET");
        send(ex, 405, "text/plain; charset=utf-8", "use GET\n");
      } else {
        send(ex, 200, ProcessMeters.CONTENT_TYPE, scrape.get());
      }
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
