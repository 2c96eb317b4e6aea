package io.snapbank.cli;

import io.snapbank.broker.ClientConfigFile;
import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.cli.security.BankPrincipals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One secure in-process broker for the security tests of this JVM, with one credentials directory
 * (principals are per cluster: every bank of the cluster uses the same files, so an {@code init}
 * for a new bank keeps the passwords the others use). Each test uses its own bank prefix.
 */
final class SecureCluster {
  private static EmbeddedKafkaBroker broker;
  private static Path credentials;

  private SecureCluster() {}

  static synchronized EmbeddedKafkaBroker broker() {
    if (broker == null) {
      try {
        Path dir = Files.createTempDirectory("snapbank-secure-");
        credentials = dir.resolve("credentials");
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).secure().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedKafkaBroker b = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(b::close));
    }
    return broker;
  }

  static String bootstrap() {
    return broker().bootstrapServers();
  }

  static Path adminFile() {
    return broker().adminConfigFile().orElseThrow();
  }

  static Path credentials() {
    broker();
    return credentials;
  }

  /** The client config file of {@code principal}. */
  static Path file(String principal) {
    return credentials().resolve(principal + ".properties");
  }

  /** The client settings of {@code principal}, from its file. */
  static Map<String, String> config(String principal) {
    return ClientConfigFile.read(file(principal));
  }

  /** {@code principal}'s settings with the password replaced: a wrong password. */
  static Map<String, String> wrongPassword(String principal) {
    Map<String, String> c = new HashMap<>(config(principal));
    c.put(
        "sasl.jaas.config",
        c.get("sasl.jaas.config").replaceFirst("password=\"[^\"]*\"", "password=\"guessed\""));
    return c;
  }

  /** Creates bank {@code prefix} with {@code nodes} nodes and its principals, through the CLI. */
  static CliTest.Run init(String prefix, int nodes) {
    CliTest.Run r =
        CliTest.run(
            "init",
            "--bootstrap",
            bootstrap(),
            "--prefix",
            prefix,
            "--nodes",
            Integer.toString(nodes),
            "--accounts",
            "4",
            "--opening",
            "10000",
            "--secure",
            "--client-config",
            adminFile().toString(),
            "--credentials-dir",
            credentials().toString());
    if (r.code() != 0) {
      throw new IllegalStateException("init failed: " + r.out() + r.err());
    }
    return r;
  }

  static String node(int i) {
    return BankPrincipals.node(i);
  }
}
