package io.snapbank.auditor.web;

import com.sun.net.httpserver.HttpExchange;
import io.snapbank.auditor.config.ApiToken;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.store.ReportJson;
import io.snapbank.node.metrics.LocalHttpServer;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves audit reports over HTTP (JDK server) on one address, by default 127.0.0.1 (this machine
 * only):
 *
 * <ul>
 *   <li>{@code GET /}: one static page (inline script, no external assets) listing the latest
 *       snapshots with their status, and for the selected one (by default the latest complete one)
 *       its problems, per-node balances and the channel matrix of money in flight (rows: from,
 *       columns: to); it polls {@code /api/reports} every second. Each snapshot shows its epoch,
 *       the members it covers and the snapshot it retries, if any. Stable hooks: each snapshot row
 *       is a {@code tr.snapshot} with {@code data-id}, {@code data-status}, {@code data-epoch},
 *       {@code data-members} and, for a retry, {@code data-retry-of}; {@code #summary}, {@code
 *       #detail-title}, {@code #detail-epoch}, {@code #problems}, {@code #nodes} (rows {@code
 *       tr.node} with {@code data-node}) and {@code #matrix} (cells {@code td.channel} with {@code
 *       data-from}, {@code data-to}, {@code data-sum}, {@code data-count} and the heat-map share
 *       {@code data-heat}, 0..1 of the fullest channel). Money is shown in major units with
 *       separators, times in UTC. Charts over the latest snapshots: {@code svg#chart-latency},
 *       {@code svg#chart-inflight} and {@code svg#chart-throughput} (channel records per second
 *       between consecutive cuts, from their marker offsets), bars {@code rect.bar} with {@code
 *       data-id}. The cut in space-time, {@code svg#spacetime}: a lane per node ({@code g.lane}
 *       with {@code data-node}), each node's recording point on the cut line ({@code
 *       circle.cut-point}, {@code path#cut-line}), each marker ({@code line.marker} with {@code
 *       data-from}, {@code data-to}) and, from a deep audit, each in-flight transfer ({@code
 *       line.in-flight} with {@code data-amount}). For an aborted snapshot, or one asked about
 *       ({@code #ask}, the pending ones listed in {@code #pending}), {@code #why} shows its
 *       diagnosis from {@code /api/why/ID} ({@code data-cause}).
 *   <li>{@code GET /api/reports}: the latest 50 reports as a JSON array, newest (highest snapshot
 *       id) first;
 *   <li>{@code GET /api/reports/ID}: one report, 404 when unknown;
 *   <li>{@code GET /api/why/ID}: where snapshot ID stands and the most likely cause of a pending or
 *       aborted one ({@link #onWhy}); 404 for an unknown snapshot;
 *   <li>{@code GET /api/pending}: the snapshots requested lately that have no verdict yet ({@link
 *       #onPending}), as a JSON array;
 *   <li>{@code GET /api/diff/A/B}: consistent cuts A and B side by side ({@link #onDiff}); 404 for
 *       an unknown snapshot, 400 for ids in the wrong order or a cut that is not consistent;
 *   <li>{@code GET /api/epochs}: the bank's epoch log, oldest first: every restore (which cut,
 *       when, by whom, why) and membership change (which node, the members after it, the money it
 *       brought in or took out);
 *   <li>{@code POST /api/reports/ID/deep-audit}: asks the app for a deep audit ({@link
 *       #onDeepAudit}) and answers as it says ({@link DeepAuditAnswer}): 200 with the deep-audited
 *       report, 202 with a JSON {@code message} when it is queued but not done in time, 404 for an
 *       unknown snapshot, 503 when it cannot be queued, 500 when it failed;
 *   <li>{@code GET /metrics}: the process's meters in Prometheus' text format ({@link #onMetrics});
 *       404 when none are set.
 * </ul>
 *
 * <p>Every state-changing request (each POST) must present the server's {@link ApiToken} as {@code
 * Authorization: Bearer TOKEN}: 401 without it, 403 with another one, checked before anything else
 * about the request. Bad requests get a 4xx answer with a JSON {@code error} message ({@link
 * RequestGuard}): 400 for a malformed snapshot id, 405 for a wrong method, 413 for a body over
 * {@value RequestGuard#MAX_BODY} bytes (no endpoint takes one), 414 for an overlong path. An
 * unexpected failure answers 500 with a fixed message; its details go to the log, never to the
 * client. Neither the token nor any other secret is ever part of a page or an answer.
 *
 * <p>Thread-safe: reports may be added from any thread; the latest version of a snapshot wins.
 */
public final class AuditWebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWebServer.class);
  private static final int KEEP = 200;
  private static final int LIST_SIZE = 50;
  private static final String JSON = "application/json; charset=utf-8";
  private static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";
  private final TreeMap<Long, BankEpoch> epochs = new TreeMap<>();
  private final TreeMap<Long, AuditReport> reports = new TreeMap<>();
  private final LocalHttpServer server;
  private final String page;
  private final ApiToken token;
  private final RequestGuard guard;
  private volatile LongFunction<DeepAuditAnswer> deepAudit = DeepAuditAnswer.Unknown::new;
  private volatile Supplier<String> metrics;
  private volatile LongFunction<InquiryAnswer> why =
      id -> InquiryAnswer.unavailable("this server answers no why questions");
  private volatile Supplier<InquiryAnswer> pending = () -> InquiryAnswer.ok("[]");
  private volatile BiFunction<Long, Long, InquiryAnswer> diff =
      (a, b) -> InquiryAnswer.unavailable("this server answers no diff questions");

  /** A server on 127.0.0.1 with a generated token. */
  public AuditWebServer(int port) {
    this(AuditorConfig.DEFAULT_HTTP_BIND, port, null);
  }

  /**
   * A server listening on {@code bind} (host name or IP address) and {@code port} (0 = any free
   * port) whose state-changing requests need {@code token} (null = a new random one, see {@link
   * #token()}).
   */
  public AuditWebServer(String bind, int port, ApiToken token) {
    this.token = token != null ? token : newToken();
    this.guard = new RequestGuard(this.token);
    try (InputStream in = AuditWebServer.class.getResourceAsStream("index.html")) {
      if (in == null) {
        throw new IllegalStateException("the page resource index.html is missing");
      }
      page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web page: " + e.getMessage(), e);
    }
    server = new LocalHttpServer(bind, port, 2, "audit-web", "the web page", this::handle);
  }

  public int port() {
    return server.address().getPort();
  }

  /** The address the server listens on. */
  public String address() {
    return server.address().getAddress().getHostAddress();
  }

  /** The token state-changing requests must present: secret, show it only to its operator. */
  public ApiToken token() {
    return token;
  }

  private static ApiToken newToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return new ApiToken(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
  }

  /** How an on-demand deep audit is run (by default: every snapshot is unknown). */
  public void onDeepAudit(LongFunction<DeepAuditAnswer> f) {
    this.deepAudit = f;
  }

  /** What {@code GET /metrics} answers: the Prometheus text exposition of the process's meters. */
  public void onMetrics(Supplier<String> scrape) {
    this.metrics = scrape;
  }

  /**
   * How {@code GET /api/why/ID} is answered: where a snapshot stands and the most likely cause of a
   * pending or aborted one.
   */
  public void onWhy(LongFunction<InquiryAnswer> f) {
    this.why = f;
  }

  /** How {@code GET /api/pending} is answered: the snapshots requested lately without a verdict. */
  public void onPending(Supplier<InquiryAnswer> f) {
    this.pending = f;
  }

  /** How {@code GET /api/diff/A/B} is answered: two cuts side by side. */
  public void onDiff(BiFunction<Long, Long, InquiryAnswer> f) {
    this.diff = f;
  }

  /** An entry of the bank's epoch log, for the restore history. */
  public synchronized void epoch(BankEpoch e) {
    epochs.put(e.getEpoch(), e);
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

  /** Up to {@code n} of the latest reports, newest first. */
  public synchronized List<AuditReport> latest(int n) {
    List<AuditReport> out = new ArrayList<>(reports.descendingMap().values());
    return Collections.unmodifiableList(out.subList(0, Math.min(n, out.size())));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        route(ex);
      } catch (RuntimeException e) {
        LOG.warn(
            "web request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
        send(ex, 500, JSON, ReportJson.message("error", "internal error; see the auditor's log"));
      }
    }
  }

  private void route(HttpExchange ex) throws IOException {
    RequestGuard.Refusal tooBig = guard.checkSize(ex);
    if (tooBig != null) {
      refuse(ex, tooBig);
      return;
    }
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    if (path.equals("/") || path.equals("/index.html")) {
      if (get(ex, method)) {
        send(ex, 200, "text/html; charset=utf-8", page);
      }
    } else if (path.equals("/api/reports") || path.equals("/api/reports/")) {
      if (get(ex, method)) {
        send(ex, 200, JSON, ReportJson.toJson(latest(LIST_SIZE)));
      }
    } else if (path.equals("/api/epochs")) {
      if (get(ex, method)) {
        List<BankEpoch> all;
        synchronized (this) {
          all = new ArrayList<>(epochs.values());
        }
        send(ex, 200, JSON, ReportJson.epochsToJson(all));
      }
    } else if (path.equals("/metrics") && metrics != null) {
      if (get(ex, method)) {
        send(ex, 200, METRICS, metrics.get());
      }
    } else if (path.equals("/api/pending")) {
      if (get(ex, method)) {
        InquiryAnswer a = pending.get();
        send(ex, a.status(), JSON, a.json());
      }
    } else if (path.startsWith("/api/why/") || path.startsWith("/api/diff/")) {
      if (get(ex, method)) {
        inquiry(ex, path);
      }
    } else if (path.startsWith("/api/reports/")) {
      reportResource(ex, method, path.substring("/api/reports/".length()).split("/", -1));
    } else {
      send(ex, 404, "text/plain; charset=utf-8", "not found");
    }
  }

  private void reportResource(HttpExchange ex, String method, String[] parts) throws IOException {
    if (parts.length == 2 && parts[1].equals("deep-audit")) {
      if (!method.equals("POST")) {
        ex.getResponseHeaders().set("Allow", "POST");
        send(ex, 405, JSON, "{\"error\":\"use POST\"}");
        return;
      }
      RequestGuard.Refusal denied = guard.checkToken(ex);
      if (denied != null) {
        refuse(ex, denied);
        return;
      }
    } else if (parts.length != 1) {
      send(ex, 404, "text/plain; charset=utf-8", "not found");
      return;
    }
    OptionalLong id = RequestGuard.snapshotId(parts[0]);
    if (id.isEmpty()) {
      send(ex, 400, JSON, "{\"error\":\"snapshot id must be a number\"}");
      return;
    }
    if (parts.length == 2) {
      answer(ex, deepAudit.apply(id.getAsLong()));
    } else if (get(ex, method)) {
      answer(ex, DeepAuditAnswer.of(id.getAsLong(), get(id.getAsLong())));
    }
  }

  private void inquiry(HttpExchange ex, String path) throws IOException {
    boolean isWhy = path.startsWith("/api/why/");
    String[] parts =
        path.substring(isWhy ? "/api/why/".length() : "/api/diff/".length()).split("/", -1);
    if (parts.length != (isWhy ? 1 : 2)) {
      send(
          ex,
          404,
          JSON,
          ReportJson.message("error", isWhy ? "use /api/why/ID" : "use /api/diff/A/B"));
      return;
    }
    long[] ids = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      OptionalLong id = RequestGuard.snapshotId(parts[i]);
      if (id.isEmpty()) {
        send(ex, 400, JSON, "{\"error\":\"snapshot id must be a number\"}");
        return;
      }
      ids[i] = id.getAsLong();
    }
    InquiryAnswer a = isWhy ? why.apply(ids[0]) : diff.apply(ids[0], ids[1]);
    send(ex, a.status(), JSON, a.json());
  }

  private static void refuse(HttpExchange ex, RequestGuard.Refusal r) throws IOException {
    send(ex, r.status(), JSON, ReportJson.message("error", r.message()));
  }

  private static void answer(HttpExchange ex, DeepAuditAnswer a) throws IOException {
    if (a instanceof DeepAuditAnswer.Audited d) {
      send(ex, 200, JSON, ReportJson.toJson(d.report()));
    } else if (a instanceof DeepAuditAnswer.Queued q) {
      send(ex, 202, JSON, ReportJson.message("message", q.message()));
    } else if (a instanceof DeepAuditAnswer.Unknown u) {
      send(ex, 404, JSON, ReportJson.message("error", "no report for snapshot " + u.snapshotId()));
    } else if (a instanceof DeepAuditAnswer.Refused r) {
      send(ex, 503, JSON, ReportJson.message("error", r.message()));
    } else if (a instanceof DeepAuditAnswer.Failed f) {
      send(ex, 500, JSON, ReportJson.message("error", f.message()));
    }
  }

  /** True for GET; otherwise answers 405. */
  private static boolean get(HttpExchange ex, String method) throws IOException {
    if (method.equals("GET")) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", "GET");
    send(ex, 405, "text/plain; charset=utf-8", "method not allowed");
    return false;
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
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
    server.close();
  }
}
