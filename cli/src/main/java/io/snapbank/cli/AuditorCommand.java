package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.ApiToken;
import io.snapbank.auditor.config.AuditorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "auditor",
    mixinStandardHelpOptions = true,
    description =
        "Run the auditor (Kafka Streams, exactly-once) until Ctrl-C: assembles snapshots, publishes"
            + " audit reports, stores complete snapshots and serves the web page.")
final class AuditorCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--state-dir",
      defaultValue = "${env:SNAPBANK_STATE_DIR:-./data/auditor-state}",
      description = "Kafka Streams state directory (default ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--snapshot-dir",
      defaultValue = "${env:SNAPBANK_SNAPSHOT_DIR:-./data/snapshots}",
      description = "Where complete snapshots are stored (default ${DEFAULT-VALUE}).")
  Path snapshotDir;

  @Option(
      names = "--retain",
      defaultValue = "20",
      description = "Complete snapshots kept as files (default ${DEFAULT-VALUE}).")
  int retain;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "A snapshot not complete within this time is ABORTED (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--commit-interval",
      defaultValue = "50ms",
      converter = DurationConverter.class,
      description =
          "How often the auditor's Streams application commits; a snapshot's request and its"
              + " audit report each wait for a commit (default ${DEFAULT-VALUE}).")
  Duration commitInterval;

  @Option(
      names = "--request-period",
      defaultValue = "${env:SNAPBANK_REQUEST_PERIOD:-0}",
      converter = DurationConverter.class,
      description = "Request a snapshot this often, e.g. 5s (default: never).")
  Duration requestPeriod;

  @Option(
      names = "--http-port",
      defaultValue = "${env:SNAPBANK_HTTP_PORT:-8080}",
      description =
          "Web page port, also serving the auditor's meters at /metrics (default"
              + " ${DEFAULT-VALUE}; -1 = off).")
  int httpPort;

  @Option(
      names = "--http-bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:SNAPBANK_HTTP_BIND:-127.0.0.1}",
      description =
          "Address the web page listens on (env SNAPBANK_HTTP_BIND; default ${DEFAULT-VALUE}:"
              + " this machine only; 0.0.0.0 = every interface).")
  String httpBind;

  @Option(
      names = "--http-token",
      paramLabel = "TOKEN",
      defaultValue = "${env:SNAPBANK_HTTP_TOKEN}",
      description =
          "Token the web API's state-changing requests (POST) must send as 'Authorization: Bearer"
              + " TOKEN', at least 16 characters (env SNAPBANK_HTTP_TOKEN; default: a random one,"
              + " printed once at start).")
  String httpToken;

  @Option(
      names = "--deep-audit-every",
      defaultValue = "0",
      description = "Deep-audit every n-th complete snapshot (default: on demand only).")
  int deepAuditEvery;

  /**
   * How often timeouts and the schedule are checked: every second, or twice a request period when
   * that is shorter, so that a short period is kept.
   */
  static Duration checkInterval(Duration requestPeriod) {
    Duration half = requestPeriod.dividedBy(2);
    if (requestPeriod.isZero() || half.compareTo(AuditorConfig.DEFAULT_PUNCTUATE_INTERVAL) >= 0) {
      return AuditorConfig.DEFAULT_PUNCTUATE_INTERVAL;
    }
    return half.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : half;
  }

  @Override
  public Integer call() throws Exception {
    AuditorConfig config =
        AuditorConfig.of(kafka.bootstrap, kafka.prefix, stateDir)
            .withTimeout(timeout)
            .withCommitInterval(commitInterval)
            .withRequestPeriod(requestPeriod)
            .withPunctuateInterval(checkInterval(requestPeriod))
            .withStorage(snapshotDir, retain)
            .withHttpPort(httpPort)
            .withHttpBind(httpBind)
            .withHttpToken(httpToken == null ? null : new ApiToken(httpToken))
            .withDeepAuditEvery(deepAuditEvery)
            .withClientOverrides(kafka.clientConfig());
    AuditorApp app = new AuditorApp(config);
    app.onReport(r -> System.out.println(ReportFormat.line(r)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    app.start();
    System.out.println(
        "auditor of bank '"
            + kafka.prefix
            + "' at "
            + kafka.bootstrap
            + (app.httpPort() > 0
                ? "; web page "
                    + WebAccess.url(httpBind, app.httpPort())
                    + ", metrics "
                    + WebAccess.url(httpBind, app.httpPort())
                    + "metrics"
                : ""));
    if (httpToken == null) {
      app.httpToken().ifPresent(t -> System.out.println(WebAccess.tokenLine(t)));
    }
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (app.failure().isPresent()) {
        System.err.println("error: " + app.failure().get());
        return 1;
      }
    }
    return 0;
  }
}
