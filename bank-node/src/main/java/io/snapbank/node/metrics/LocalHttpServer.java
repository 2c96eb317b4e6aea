package io.snapbank.node.metrics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server on daemon threads, serving one handler at every path: the metrics endpoint's
 * and the auditor's web page's. It fails with one message naming the address and what it was to
 * serve when it cannot listen there.
 */
public final class LocalHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Listens on {@code bind} (a host name or IP address) and {@code port} (0 = any free port) with
   * {@code threads} threads named {@code threadName}; {@code what} names the service in errors.
   */
  public LocalHttpServer(
      String bind, int port, int threads, String threadName, String what, HttpHandler handler) {
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot serve " + what + ": unknown address " + bind);
    }
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve " + what + " on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops listening and the threads at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
