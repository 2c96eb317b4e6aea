package io.snapbank.auditor.config;

import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/**
 * Settings of the auditor. Immutable; the {@code with...} methods return a changed copy.
 *
 * @param bootstrapServers Kafka bootstrap address
 * @param prefix topic prefix of the bank ({@code <prefix>.snapshot-reports}, ...)
 * @param applicationId Kafka Streams application id (also its consumer group and transactional id
 *     base); default {@code <prefix>-auditor}
 * @param stateDir Kafka Streams state directory
 * @param snapshotTimeout a snapshot not complete this long after the auditor first saw its request
 *     or first report is ABORTED (default 30 s)
 * @param punctuateInterval how often timeouts and scheduled requests are checked (default 1 s)
 * @param requestPeriod request a snapshot this often; zero = never (the default)
 * @param retainSnapshots complete snapshots kept as files in snapshotDir (default 20)
 * @param snapshotDir where complete snapshots are stored; null = not stored (the default)
 * @param httpPort web page and JSON port; -1 = off (the default), 0 = any free port
 * @param deepAudit the deep-audit stage: sampling, queue and timeouts (default: on demand only)
 * @param clientOverrides extra Kafka client settings (security: protocol, SASL, TLS) for every
 *     client of the auditor: the Streams application's, the report follower's, the deep audit's
 *     (default none); secret, never shown by {@link #toString()}
 * @param httpBind the address the web page listens on (default {@value #DEFAULT_HTTP_BIND}: this
 *     machine only)
 * @param httpToken the token every state-changing request of the web API must present; null (the
 *     default) = one is generated when the web server starts
 * @param commitInterval how often the Streams application commits (default 50 ms): a snapshot's
 *     request and its report each become visible at a commit, so each costs up to one interval
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
    DeepAuditSettings deepAudit,
    Map<String, String> clientOverrides,
    String httpBind,
    ApiToken httpToken,
    Duration commitInterval) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_RETAIN = 20;
  public static final String DEFAULT_HTTP_BIND = "127.0.0.1";
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);

  public AuditorConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    BankTopics.of(prefix); // validates the prefix
    if (applicationId == null || applicationId.isBlank()) {
      applicationId = prefix + "-auditor";
    }
    if (stateDir == null) {
      throw new IllegalArgumentException("a state directory is required");
    }
    if (snapshotTimeout == null || snapshotTimeout.isNegative() || snapshotTimeout.isZero()) {
      throw new IllegalArgumentException(
          "snapshot timeout must be positive, got " + snapshotTimeout);
    }
    if (punctuateInterval == null || punctuateInterval.isNegative() || punctuateInterval.isZero()) {
      throw new IllegalArgumentException(
          "punctuate interval must be positive, got " + punctuateInterval);
    }
    if (requestPeriod == null) {
      requestPeriod = Duration.ZERO;
    }
    if (requestPeriod.isNegative()) {
      throw new IllegalArgumentException(
          "request period must be zero (off) or positive, got " + requestPeriod);
    }
    if (retainSnapshots < 1) {
      throw new IllegalArgumentException(
          "must retain at least one snapshot, got " + retainSnapshots);
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException(
          "http port must be -1 (off), 0 (any) or a port number, got " + httpPort);
    }
    if (deepAudit == null) {
      deepAudit = DeepAuditSettings.DEFAULTS;
    }
    clientOverrides = clientOverrides == null ? Map.of() : Map.copyOf(clientOverrides);
    if (httpBind == null || httpBind.isBlank()) {
      httpBind = DEFAULT_HTTP_BIND;
    }
    if (commitInterval == null) {
      commitInterval = DEFAULT_COMMIT_INTERVAL;
    }
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commit interval must be positive, got " + commitInterval);
    }
  }

  /**
   * Defaults: application id {@code <prefix>-auditor}, 30 s timeout, checks every second, no
   * scheduled requests, keep 20, no files, no web page, deep audits on demand only, no client
   * overrides.
   */
  public static AuditorConfig of(String bootstrapServers, String prefix, Path stateDir) {
    return new AuditorConfig(
        bootstrapServers,
        prefix,
        null,
        stateDir,
        DEFAULT_TIMEOUT,
        DEFAULT_PUNCTUATE_INTERVAL,
        Duration.ZERO,
        DEFAULT_RETAIN,
        null,
        -1,
        DeepAuditSettings.DEFAULTS,
        Map.of(),
        DEFAULT_HTTP_BIND,
        null,
        DEFAULT_COMMIT_INTERVAL);
  }

  public AuditorConfig withApplicationId(String id) {
    return copy().applicationId(id).build();
  }

  public AuditorConfig withTimeout(Duration timeout) {
    return copy().snapshotTimeout(timeout).build();
  }

  public AuditorConfig withPunctuateInterval(Duration interval) {
    return copy().punctuateInterval(interval).build();
  }

  /** Request a snapshot every {@code period}; zero turns scheduled requests off. */
  public AuditorConfig withRequestPeriod(Duration period) {
    return copy().requestPeriod(period).build();
  }

  /** Store complete snapshots in {@code dir} (null = don't), keeping the last {@code retain}. */
  public AuditorConfig withStorage(Path dir, int retain) {
    return copy().snapshotDir(dir).retainSnapshots(retain).build();
  }

  public AuditorConfig withHttpPort(int port) {
    return copy().httpPort(port).build();
  }

  /** Deep-audit every n-th complete snapshot; 0 = on demand only. */
  public AuditorConfig withDeepAuditSample(int n) {
    return withDeepAudit(deepAudit.withSample(n));
  }

  /** Same as {@link #withDeepAuditSample(int)}. */
  public AuditorConfig withDeepAuditEvery(int n) {
    return withDeepAuditSample(n);
  }

  public AuditorConfig withDeepAudit(DeepAuditSettings settings) {
    return copy().deepAudit(settings).build();
  }

  /** Extra Kafka client settings (security) for every client of the auditor. */
  public AuditorConfig withClientOverrides(Map<String, String> overrides) {
    return copy().clientOverrides(overrides).build();
  }

  /** The web page listens on {@code address} (a host name or IP address). */
  public AuditorConfig withHttpBind(String address) {
    return copy().httpBind(address).build();
  }

  /** State-changing web requests must present {@code token}; null = generate one at start. */
  public AuditorConfig withHttpToken(ApiToken token) {
    return copy().httpToken(token).build();
  }

  /** The Streams application commits every {@code interval}. */
  public AuditorConfig withCommitInterval(Duration interval) {
    return copy().commitInterval(interval).build();
  }

  private Copy copy() {
    return new Copy(this);
  }

  /** A changed copy of settings, checked again when built. */
  private static final class Copy {
    private final String bootstrapServers;
    private final String prefix;
    private String applicationId;
    private final Path stateDir;
    private Duration snapshotTimeout;
    private Duration punctuateInterval;
    private Duration requestPeriod;
    private int retainSnapshots;
    private Path snapshotDir;
    private int httpPort;
    private DeepAuditSettings deepAudit;
    private Map<String, String> clientOverrides;
    private String httpBind;
    private ApiToken httpToken;
    private Duration commitInterval;

    Copy(AuditorConfig c) {
      bootstrapServers = c.bootstrapServers;
      prefix = c.prefix;
      applicationId = c.applicationId;
      stateDir = c.stateDir;
      snapshotTimeout = c.snapshotTimeout;
      punctuateInterval = c.punctuateInterval;
      requestPeriod = c.requestPeriod;
      retainSnapshots = c.retainSnapshots;
      snapshotDir = c.snapshotDir;
      httpPort = c.httpPort;
      deepAudit = c.deepAudit;
      clientOverrides = c.clientOverrides;
      httpBind = c.httpBind;
      httpToken = c.httpToken;
      commitInterval = c.commitInterval;
    }

    Copy applicationId(String v) {
      applicationId = v;
      return this;
    }

    Copy snapshotTimeout(Duration v) {
      snapshotTimeout = v;
      return this;
    }

    Copy punctuateInterval(Duration v) {
      punctuateInterval = v;
      return this;
    }

    Copy requestPeriod(Duration v) {
      requestPeriod = v;
      return this;
    }

    Copy retainSnapshots(int v) {
      retainSnapshots = v;
      return this;
    }

    Copy snapshotDir(Path v) {
      snapshotDir = v;
      return this;
    }

    Copy httpPort(int v) {
      httpPort = v;
      return this;
    }

    Copy deepAudit(DeepAuditSettings v) {
      deepAudit = v;
      return this;
    }

    Copy clientOverrides(Map<String, String> v) {
      clientOverrides = v;
      return this;
    }

    Copy httpBind(String v) {
      httpBind = v;
      return this;
    }

    Copy httpToken(ApiToken v) {
      httpToken = v;
      return this;
    }

    Copy commitInterval(Duration v) {
      commitInterval = v;
      return this;
    }

    AuditorConfig build() {
      return new AuditorConfig(
          bootstrapServers,
          prefix,
          applicationId,
          stateDir,
          snapshotTimeout,
          punctuateInterval,
          requestPeriod,
          retainSnapshots,
          snapshotDir,
          httpPort,
          deepAudit,
          clientOverrides,
          httpBind,
          httpToken,
          commitInterval);
    }
  }

  /** The settings with the client overrides' values and the token hidden. */
  @Override
  public String toString() {
    return "AuditorConfig[bootstrapServers="
        + bootstrapServers
        + ", prefix="
        + prefix
        + ", applicationId="
        + applicationId
        + ", stateDir="
        + stateDir
        + ", snapshotTimeout="
        + snapshotTimeout
        + ", punctuateInterval="
        + punctuateInterval
        + ", requestPeriod="
        + requestPeriod
        + ", retainSnapshots="
        + retainSnapshots
        + ", snapshotDir="
        + snapshotDir
        + ", httpPort="
        + httpPort
        + ", deepAudit="
        + deepAudit
        + ", clientOverrides="
        + new TreeSet<>(clientOverrides.keySet())
        + " (values hidden), httpBind="
        + httpBind
        + ", httpToken="
        + httpToken
        + ", commitInterval="
        + commitInterval
        + "]";
  }

  /** Deep-audit every n-th complete snapshot; 0 = on demand only. */
  public int deepAuditSample() {
    return deepAudit.sample();
  }
}
