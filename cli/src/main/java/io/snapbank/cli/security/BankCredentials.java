package io.snapbank.cli.security;

import io.snapbank.broker.ClientConfigFile;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.topic.BankTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Gives a bank's principals ({@link BankPrincipals}) their SCRAM-SHA-512 credentials and their ACLs
 * ({@link BankAcls}), with an admin's client config, and writes each principal's Kafka client
 * config to {@code <dir>/<principal>.properties} (mode 600): security protocol, mechanism, its
 * credentials and the admin config's truststore. Idempotent: a principal whose file exists keeps
 * its password, and existing ACLs are kept. Passwords are never printed; errors never show them.
 */
public final class BankCredentials {
  /** The SCRAM mechanism of every principal. */
  public static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;

  private static final int ITERATIONS = 8192;
  private static final String SCRAM_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final Pattern JAAS =
      Pattern.compile("username=\"([^\"]*)\"\\s+password=\"([^\"]*)\"");
  private static final List<String> TRUST_KEYS =
      List.of(
          "ssl.truststore.type",
          "ssl.truststore.location",
          "ssl.truststore.password",
          "ssl.truststore.certificates",
          "ssl.endpoint.identification.algorithm",
          "ssl.protocol",
          "ssl.enabled.protocols");

  /** What {@link #provision} did: each principal's file, and the number of ACLs in force. */
  public record Provisioned(Map<String, Path> files, int acls) {
    public Provisioned {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The client config of {@code principal}, read back from its file. */
    public Map<String, String> config(String principal) {
      Path f = files.get(principal);
      if (f == null) {
        throw new IllegalArgumentException("no credentials for principal " + principal);
      }
      return ClientConfigFile.read(f);
    }
  }

  private BankCredentials() {}

  /**
   * Creates or keeps the principals of bank {@code topics} ({@code nodes} nodes, the auditor's
   * Streams application {@code auditorApplicationId}), grants their ACLs and writes their client
   * configs into {@code dir}, all with the admin client settings {@code admin}.
   */
  public static Provisioned provision(
      String bootstrap,
      Map<String, String> admin,
      BankTopics topics,
      int nodes,
      String auditorApplicationId,
      Path dir)
      throws InterruptedException {
    String protocol = admin.getOrDefault("security.protocol", "PLAINTEXT");
    if (!protocol.equals("SASL_SSL")) {
      throw new IllegalArgumentException(
          "--secure needs the client config of a Kafka admin over SASL_SSL (the secure broker's"
              + " admin.properties); this one uses "
              + protocol);
    }
    createDirectory(dir);
    Map<String, Path> files = new LinkedHashMap<>();
    List<UserScramCredentialAlteration> users = new ArrayList<>();
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    for (String principal : BankPrincipals.all(nodes)) {
      Path file = dir.resolve(principal + ".properties");
      String password = existingPassword(file, principal).orElseGet(BankCredentials::newPassword);
      users.add(
          new UserScramCredentialUpsertion(
              principal, new ScramCredentialInfo(MECHANISM, ITERATIONS), password));
      configs.put(principal, clientConfig(admin, principal, password));
      files.put(principal, file);
    }
    List<BankAcls.Grant> grants = BankAcls.of(topics, nodes, auditorApplicationId);
    try (Admin a = BankSetup.admin(bootstrap, admin)) {
      a.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
      a.createAcls(BankAcls.bindings(grants)).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot set up the principals of bank '"
              + topics.prefix()
              + "': "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + bootstrap + " did not answer while setting up the principals", e);
    }
    configs.forEach(
        (principal, config) ->
            ClientConfigFile.write(
                files.get(principal),
                config,
                "snapbank: Kafka client config of principal '"
                    + principal
                    + "'; secret, keep it mode 600"));
    return new Provisioned(files, BankAcls.bindings(grants).size());
  }

  /** The client settings of {@code principal}: the admin's protocol and truststore, its login. */
  static Map<String, String> clientConfig(
      Map<String, String> admin, String principal, String password) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("security.protocol", admin.get("security.protocol"));
    c.put("sasl.mechanism", MECHANISM.mechanismName());
    c.put(
        "sasl.jaas.config",
        SCRAM_MODULE + " required username=\"" + principal + "\" password=\"" + password + "\";");
    for (String k : TRUST_KEYS) {
      if (admin.containsKey(k)) {
        c.put(k, admin.get(k));
      }
    }
    return c;
  }

  /** The password in {@code file}, when it exists and is {@code principal}'s. */
  private static Optional<String> existingPassword(Path file, String principal) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String jaas = ClientConfigFile.read(file).getOrDefault("sasl.jaas.config", "");
    Matcher m = JAAS.matcher(jaas);
    if (!m.find() || !m.group(1).equals(principal) || m.group(2).isEmpty()) {
      throw new IllegalArgumentException(
          file + " exists but holds no credentials of principal '" + principal + "'");
    }
    return Optional.of(m.group(2));
  }

  private static String newPassword() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void createDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the credentials directory " + dir, e);
    }
  }
}
