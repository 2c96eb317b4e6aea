package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorSetup;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.cli.security.BankCredentials;
import io.snapbank.cli.security.BankPrincipals;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The demo bank as {@code init} makes it, and the client settings each of the demo's processes
 * uses: none on a plain broker; on a secure one, each role's own principal, as {@code init
 * --secure} provisions it (credentials in the demo's data directory), so the demo runs under the
 * same ACLs as separate processes would.
 *
 * @param genesis the bank's genesis
 * @param credentials the principals' client config files, or null on a plain broker
 */
record DemoClients(BankGenesis genesis, BankCredentials.Provisioned credentials) {

  /** Creates the bank on {@code broker} (and, when it is secure, its principals in {@code dir}). */
  static DemoClients init(
      EmbeddedKafkaBroker broker, BankTopics topics, BankGenesis genesis, Path dir)
      throws InterruptedException {
    return init(broker.bootstrapServers(), broker.adminClientConfig(), topics, genesis, dir);
  }

  /**
   * Creates the bank at {@code bootstrap} as the admin {@code admin} (empty: a plain broker or
   * cluster; else a secure broker's super user, whose bank gets its principals in {@code dir}).
   */
  static DemoClients init(
      String bootstrap, Map<String, String> admin, BankTopics topics, BankGenesis genesis, Path dir)
      throws InterruptedException {
    BankGenesis g = BankSetup.init(bootstrap, admin, topics, genesis).genesis();
    AuditorSetup.init(bootstrap, admin, new AuditorTopics(topics), Duration.ofSeconds(30));
    if (admin.isEmpty()) {
      return new DemoClients(g, null);
    }
    return new DemoClients(
        g,
        BankCredentials.provision(
            bootstrap,
            admin,
            topics,
            g.getNodes(),
            AuditorConfig.of(bootstrap, topics.prefix(), dir).applicationId(),
            dir.resolve("credentials")));
  }

  /** Node {@code i}'s client settings. */
  Map<String, String> node(int i) {
    return of(BankPrincipals.node(i));
  }

  /** The auditor's client settings. */
  Map<String, String> auditor() {
    return of(BankPrincipals.AUDITOR);
  }

  /** The operator's client settings (restores from the demo). */
  Map<String, String> operator() {
    return of(BankPrincipals.OPERATOR);
  }

  private Map<String, String> of(String principal) {
    return credentials == null ? Map.of() : credentials.config(principal);
  }
}
