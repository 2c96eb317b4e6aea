package io.snapbank.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security of a broker started secure, kept in its data directory: TLS on the client listener
 * with a certificate from a CA made for that directory, SASL/SCRAM-SHA-512 for clients and between
 * brokers, PLAIN on the controller listener (SCRAM there is not covered by Kafka's own tests yet,
 * KAFKA-15513), {@code StandardAuthorizer} with no access unless an ACL grants it, and one super
 * user, {@value #ADMIN}. Files, all created on the directory's first secure start:
 *
 * <ul>
 *   <li>{@code security/ca.crt}: the CA certificate clients trust (its key is never written);
 *   <li>{@code security/broker.crt}, {@code security/broker.key} (mode 600): the broker's
 *       certificate for {@code localhost} and {@code 127.0.0.1}, and its key;
 *   <li>{@code security/admin.password} (mode 600): the super user's password, created in the
 *       metadata log at format time;
 *   <li>{@code admin.properties} (mode 600): the super user's client config.
 * </ul>
 *
 * <p>The data directory itself is made owner-only (mode 700): its log holds every record and the
 * credentials. {@link #toString()} shows no secret.
 */
final class BrokerSecurity {
  static final String ADMIN = "admin";
  static final String MECHANISM = "SCRAM-SHA-512";
  static final String ADMIN_CONFIG_FILE = "admin.properties";
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final String SCRAM_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String PLAIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final Path dir;
  private final String adminPassword;
  private final String caPem;
  private final String chainPem;
  private final String keyPem;

  private BrokerSecurity(
      Path dir, String adminPassword, String caPem, String chainPem, String keyPem) {
    this.dir = dir;
    this.adminPassword = adminPassword;
    this.caPem = caPem;
    this.chainPem = chainPem;
    this.keyPem = keyPem;
  }

  /**
   * The security of data directory {@code dir}: read back, or created when {@code newStorage} (the
   * storage is about to be formatted). A directory formatted without security cannot be started
   * secure: its metadata log has no super user.
   */
  static BrokerSecurity loadOrCreate(Path dir, boolean newStorage) {
    Path sec = dir.resolve("security");
    try {
      // the log holds every record and the SCRAM credentials: only the owner may read it
      ClientConfigFile.restrict(dir);
      if (Files.exists(sec.resolve("admin.password"))) {
        return new BrokerSecurity(
            dir,
            Files.readString(sec.resolve("admin.password"), StandardCharsets.UTF_8).strip(),
            Files.readString(sec.resolve("ca.crt"), StandardCharsets.UTF_8),
            Files.readString(sec.resolve("broker.crt"), StandardCharsets.UTF_8),
            Files.readString(sec.resolve("broker.key"), StandardCharsets.UTF_8));
      }
      if (!newStorage) {
        throw new IllegalStateException(
            "the broker data directory "
                + dir
                + " was created without --secure; use a new data directory for a secure broker");
      }
      Files.createDirectories(sec);
      ClientConfigFile.restrict(sec);
      CertificateAuthority ca = CertificateAuthority.create("snapbank CA " + dir, VALIDITY);
      CertificateAuthority.Issued broker =
          ca.issue("localhost", List.of("localhost"), List.of("127.0.0.1"), VALIDITY);
      BrokerSecurity s =
          new BrokerSecurity(
              dir,
              newSecret(),
              ca.certificatePem(),
              CertificateAuthority.pem(broker.certificate()) + ca.certificatePem(),
              broker.keyPem());
      Files.writeString(sec.resolve("ca.crt"), s.caPem, StandardCharsets.UTF_8);
      Files.writeString(sec.resolve("broker.crt"), s.chainPem, StandardCharsets.UTF_8);
      writeSecret(sec.resolve("broker.key"), s.keyPem);
      writeSecret(sec.resolve("admin.password"), s.adminPassword);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the broker's security files in " + sec + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} holds the security of a secure broker. */
  static boolean isSecure(Path dir) {
    return Files.exists(dir.resolve("security").resolve("admin.password"));
  }

  /** A new random secret: 32 URL-safe characters (192 bits). */
  static String newSecret() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void writeSecret(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    ClientConfigFile.restrict(file);
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** The broker settings of listeners {@code client} (SASL_SSL) and {@code controller}. */
  Map<String, String> brokerConfig(String client, String controller) {
    String c = "listener.name." + client.toLowerCase() + ".";
    String k = "listener.name." + controller.toLowerCase() + ".";
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listener.security.protocol.map", client + ":SASL_SSL," + controller + ":SASL_PLAINTEXT");
    p.put(c + "sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put(c + "scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, adminPassword));
    p.put(c + "ssl.keystore.type", "PEM");
    p.put(c + "ssl.keystore.certificate.chain", chainPem);
    p.put(c + "ssl.keystore.key", keyPem);
    p.put(c + "ssl.truststore.type", "PEM");
    p.put(c + "ssl.truststore.certificates", caPem);
    p.put(k + "sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put(
        k + "plain.sasl.jaas.config",
        PLAIN_MODULE
            + " required username=\""
            + ADMIN
            + "\" password=\""
            + adminPassword
            + "\" user_"
            + ADMIN
            + "=\""
            + adminPassword
            + "\";");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN);
    p.put("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /** The super user's SCRAM credential, for formatting the storage. */
  List<String> scramArguments() {
    return List.of(MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]");
  }

  /** The super user's client settings: SASL_SSL, SCRAM-SHA-512, the CA as PEM truststore. */
  Map<String, String> adminClientConfig() {
    return clientConfig(ADMIN, adminPassword, caPem);
  }

  /** Writes {@link #adminClientConfig()} to {@code admin.properties} (mode 600); returns it. */
  Path writeAdminConfig() {
    Path f = dir.resolve(ADMIN_CONFIG_FILE);
    ClientConfigFile.write(
        f,
        adminClientConfig(),
        "snapbank: client config of the broker's super user '" + ADMIN + "'; keep it secret");
    return f;
  }

  /** The client settings of {@code user} against a broker whose CA is {@code caPem}. */
  static Map<String, String> clientConfig(String user, String password, String caPem) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", scramJaas(user, password));
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.certificates", caPem);
    return p;
  }

  private static String scramJaas(String user, String password) {
    return SCRAM_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  @Override
  public String toString() {
    return "BrokerSecurity[" + dir + ", super user " + ADMIN + ", secrets hidden]";
  }
}
