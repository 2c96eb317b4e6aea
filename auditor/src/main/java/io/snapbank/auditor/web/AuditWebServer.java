package io.snapbank.auditor.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.snapbank.auditor.store.ReportJson;
import io.snapbank.schemas.AuditReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;

/**
 * Serves audit reports: {@code GET /} a page with the latest snapshots, per-node balances and the
 * channel matrix of in-flight money, refreshing every second; {@code GET /api/reports} the latest
 * 50 as JSON, newest first; {@code GET /api/reports/ID} one; {@code POST /api/reports/ID/deep-audit}
 * runs a deep audit. Thread-safe: reports may be added from any thread.
 */
public final class AuditWebServer implements AutoCloseable {
  private static final int KEEP = 200;
  private final TreeMap<Long, AuditReport> reports = new TreeMap<>();
  private final HttpServer server;
  private final String page;
  private volatile LongFunction<Optional<AuditReport>> deepAudit = id -> Optional.empty();

  public AuditWebServer(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
      try (InputStream in = AuditWebServer.class.getResourceAsStream("index.html")) {
        page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the web page on port " + port + ": " + e.getMessage(), e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "audit-web");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How an on-demand deep audit is run. */
  public void onDeepAudit(LongFunction<Optional<AuditReport>> f) {
    this.deepAudit = f;
  }

  /** Adds or replaces a report (the latest version of a snapshot wins). */
  public synchronized void add(AuditReport r) {
    reports.put(r.getSnapshotId(), r);
    while (reports.size() > KEEP) {
      reports.pollFirstEntry();
    }
  }

  public synchronized Optional<AuditReport> get(long id) {
    return Optional.ofNullable(reports.get(id));
  }

  private synchronized List<AuditReport> latest(int n) {
    List<AuditReport> out = new ArrayList<>(reports.descendingMap().values());
    return Collections.unmodifiableList(out.subList(0, Math.min(n, out.size())));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (path.equals("/") || path.equals("/index.html")) {
        send(ex, 200, "text/html; charset=utf-8", page);
      } else if (path.equals("/api/reports")) {
        send(ex, 200, "application/json", ReportJson.toJson(latest(50)));
      } else if (path.startsWith("/api/reports/")) {
        String[] parts = path.substring("/api/reports/".length()).split("/");
        long id;
        try {
          id = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          send(ex, 400, "application/json", "{\"error\":\"snapshot id must be a number\"}");
          return;
        }
        Optional<AuditReport> r = parts.length == 2 && parts[1].equals("deep-audit") && method.equals("POST")
            ? deepAudit.apply(id) : get(id);
        if (r.isPresent()) {
          send(ex, 200, "application/json", ReportJson.toJson(r.get()));
        } else {
          send(ex, 404, "application/json", "{\"error\":\"no report for snapshot " + id + "\"}");
        }
      } else {
        send(ex, 404, "text/plain", "not found");
      }
    } catch (RuntimeException e) {
      send(ex, 500, "text/plain", "error: " + e.getMessage());
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
