package io.snapbank.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A process's {@code GET /metrics} endpoint on its own port (JDK server, one thread), for a process
 * without a web page: it answers the {@link ProcessMeters#scrape() scrape} in Prometheus' text
 * format, 405 to any other method and 404 to any other path.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Supplier<String> scrape;

  /**
   * Serves {@code scrape} on {@code bind} (a host name or IP address) and {@code port} (0 = any
   * free port); fails with one message naming the address when it cannot listen there.
   */
  public MetricsServer(String bind, int port, Supplier<String> scrape) {
    this.scrape = scrape;
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot serve metrics: unknown address " + bind);
    }
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
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
    server.stop(0);
    executor.shutdownNow();
  }
}
