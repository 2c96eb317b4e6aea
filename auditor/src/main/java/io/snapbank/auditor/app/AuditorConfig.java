package io.snapbank.auditor.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the auditor. Immutable.
 *
 * @param bootstrapServers Kafka bootstrap address
 * @param prefix topic prefix of the bank
 * @param applicationId Kafka Streams application id (also its consumer group and transactional id base)
 * @param stateDir Kafka Streams state directory
 * @param snapshotTimeout a snapshot not complete this long after it was first seen is ABORTED
 * @param punctuateInterval how often timeouts and scheduled requests are checked
 * @param requestPeriod request a snapshot this often; zero = never (the default)
 * @param retainSnapshots complete snapshots kept as files in snapshotDir
 * @param snapshotDir where complete snapshots are stored; null = not stored
 * @param httpPort web page and JSON port; -1 = off, 0 = any free port
 * @param deepAuditEvery deep-audit every n-th complete snapshot; 0 = only on demand
 */
public record AuditorConfig(
    String bootstrapServers,
    String prefix,
    String applicationId,
    Path stateDir,
    Duration snapshotTimeout,
    Duration punctuateInterval,
    Duration requestPeriod,
    int retainSnapshots,
    Path snapshotDir,
    int httpPort,
    int deepAuditEvery) {

  public AuditorConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    if (snapshotTimeout.isNegative() || snapshotTimeout.isZero()) {
      throw new IllegalArgumentException("snapshot timeout must be positive");
    }
    if (punctuateInterval.isNegative() || punctuateInterval.isZero()) {
      throw new IllegalArgumentException("punctuate interval must be positive");
    }
    if (requestPeriod.isNegative()) {
      throw new IllegalArgumentException("request period must be zero (off) or positive");
    }
    if (retainSnapshots < 1) {
      throw new IllegalArgumentException("must retain at least one snapshot, got " + retainSnapshots);
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException("http port must be -1 (off), 0 (any) or a port number, got " + httpPort);
    }
    if (deepAuditEvery < 0) {
      throw new IllegalArgumentException("deep audit sample must be >= 0, got " + deepAuditEvery);
    }
  }

  /** Defaults: 30 s timeout, checks every second, no scheduled requests, keep 20, no files, no web. */
  public static AuditorConfig of(String bootstrapServers, String prefix, Path stateDir) {
    return new AuditorConfig(bootstrapServers, prefix, prefix + "-auditor", stateDir, Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ZERO, 20, null, -1, 0);
  }

  public AuditorConfig withTimeout(Duration timeout) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, timeout, punctuateInterval,
        requestPeriod, retainSnapshots, snapshotDir, httpPort, deepAuditEvery);
  }

  public AuditorConfig withPunctuateInterval(Duration interval) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, snapshotTimeout, interval,
        requestPeriod, retainSnapshots, snapshotDir, httpPort, deepAuditEvery);
  }

  public AuditorConfig withRequestPeriod(Duration period) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, snapshotTimeout, punctuateInterval,
        period, retainSnapshots, snapshotDir, httpPort, deepAuditEvery);
  }

  public AuditorConfig withStorage(Path dir, int retain) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, snapshotTimeout, punctuateInterval,
        requestPeriod, retain, dir, httpPort, deepAuditEvery);
  }

  public AuditorConfig withHttpPort(int port) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, snapshotTimeout, punctuateInterval,
        requestPeriod, retainSnapshots, snapshotDir, port, deepAuditEvery);
  }

  public AuditorConfig withDeepAuditEvery(int n) {
    return new AuditorConfig(bootstrapServers, prefix, applicationId, stateDir, snapshotTimeout, punctuateInterval,
        requestPeriod, retainSnapshots, snapshotDir, httpPort, n);
  }
}
