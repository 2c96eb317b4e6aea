package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.cli.security.BankPrincipals;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.Releases;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.topic.BankTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bank on a secure broker run the way the README says: {@code init --secure} creates the
 * principals, every node and the auditor run with their own credentials, the operator requests
 * snapshots, reads reports and restores with its own. The ACLs are enough for all of that, and each
 * principal gets nothing more than its role.
 */
class SecureBankTest {
  private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]+)\"");

  private static List<String> passwords() throws Exception {
    List<String> out = new ArrayList<>();
    for (String p : BankPrincipals.all(3)) {
      Matcher m = PASSWORD.matcher(SecureCluster.config(p).get("sasl.jaas.config"));
      assertTrue(m.find(), p);
      out.add(m.group(1));
    }
    return out;
  }

  /** Node {@code i} of bank {@code prefix}, slow, with its own principal. */
  private static NodeConfig node(String prefix, int i) {
    return NodeConfig.of(SecureCluster.bootstrap(), prefix, i)
        .withRate(10)
        .withClientOverrides(SecureCluster.config(SecureCluster.node(i)));
  }

  private static CliTest.Run operator(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(
        List.of(
            "--bootstrap",
            SecureCluster.bootstrap(),
            "--client-config",
            SecureCluster.file(BankPrincipals.OPERATOR).toString()));
    return CliTest.run(line.toArray(new String[0]));
  }

  @Test
  void when_init_secure_runs_twice_then_files_are_private_passwords_never_printed_and_kept()
      throws Exception {
    CliTest.Run first = SecureCluster.init("secure-init", 3);
    List<String> passwords = passwords();
    for (String p : BankPrincipals.all(3)) {
      Path f = SecureCluster.file(p);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      assertTrue(first.out().contains(p + ": " + f), first.out());
    }
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(SecureCluster.credentials())));
    CliTest.Run again = SecureCluster.init("secure-init", 3);
    assertEquals(passwords, passwords(), "a second init keeps every principal's password");
    for (String secret : passwords) {
      assertFalse((first.out() + first.err() + again.out() + again.err()).contains(secret));
    }
    assertTrue(again.out().contains("genesis already present, kept"), again.out());
  }

  @Test
  void
      when_the_bank_runs_with_its_principals_then_snapshots_are_consistent_and_the_operator_restores(
          @TempDir Path tmp) throws Exception {
    String prefix = "secure-run";
    SecureCluster.init(prefix, 3);
    BankTopics topics = BankTopics.of(prefix);
    Map<Long, AuditReport> reports = new ConcurrentHashMap<>();
    try (LocalBank bank = new LocalBank(topics);
        AuditorApp auditor =
            new AuditorApp(
                AuditorConfig.of(SecureCluster.bootstrap(), prefix, tmp.resolve("state"))
                    .withPunctuateInterval(Duration.ofMillis(200))
                    .withTimeout(Duration.ofSeconds(15))
                    .withHttpPort(0)
                    .withClientOverrides(SecureCluster.config(BankPrincipals.AUDITOR)))) {
      for (int i = 0; i < 3; i++) {
        bank.start(
            NodeConfig.of(SecureCluster.bootstrap(), prefix, i)
                .withRate(100)
                .withCommitInterval(50)
                .withClientOverrides(SecureCluster.config(SecureCluster.node(i))));
      }
      bank.awaitReady(Duration.ofSeconds(60));
      auditor.onReport(r -> reports.put(r.getSnapshotId(), r));
      auditor.start();
      assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor: " + auditor.failure());

      CliTest.Run snap = operator("snapshot", "--prefix", prefix, "--id", "11", "--wait");
      assertEquals(0, snap.code(), snap.out() + snap.err());
      assertTrue(snap.out().contains("snapshot 11 CONSISTENT"), snap.out());
      CliTest.Run list = operator("report", "--prefix", prefix, "--list");
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().contains("snapshot 11 CONSISTENT"), list.out());

      HttpResponse<String> deep =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + auditor.httpPort()
                                  + "/api/reports/11/deep-audit"))
                      .header(
                          "Authorization", "Bearer " + auditor.httpToken().orElseThrow().value())
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, deep.statusCode(), deep.body());
      assertTrue(deep.body().contains("\"verified\" : true"), deep.body());

      CliTest.Run restore = operator("restore", "--prefix", prefix, "--snapshot", "11");
      assertEquals(0, restore.code(), restore.out() + restore.err());
      assertTrue(restore.out().contains("done: every node runs in epoch 1"), restore.out());
      CliTest.Run after = operator("snapshot", "--prefix", prefix, "--id", "12", "--wait");
      assertEquals(0, after.code(), after.out() + after.err());
      assertTrue(after.out().contains("snapshot 12 CONSISTENT"), after.out());
      assertTrue(bank.failed().isEmpty(), bank.failed().flatMap(n -> n.failure()).orElse(""));
      assertTrue(auditor.failure().isEmpty(), auditor.failure().orElse(""));

      // a fork creates a bank: the operator may not, an admin may, and init grants its ACLs
      CliTest.Run refused =
          operator("restore", "--prefix", prefix, "--snapshot", "12", "--into", "secure-fork");
      assertEquals(1, refused.code(), refused.out() + refused.err());
      assertTrue(refused.err().contains("not allowed by Kafka's ACLs"), refused.err());
      CliTest.Run fork =
          CliTest.run(
              "restore",
              "--bootstrap",
              SecureCluster.bootstrap(),
              "--client-config",
              SecureCluster.adminFile().toString(),
              "--prefix",
              prefix,
              "--snapshot",
              "12",
              "--into",
              "secure-fork");
      assertEquals(0, fork.code(), fork.out() + fork.err());
      assertTrue(fork.out().contains("forked: bank 'secure-fork'"), fork.out());
      SecureCluster.init("secure-fork", 3);
      try (LocalBank forked = new LocalBank(BankTopics.of("secure-fork"))) {
        forked.startAndAwait(
            NodeConfig.of(SecureCluster.bootstrap(), "secure-fork", 0)
                .withRate(10)
                .withClientOverrides(SecureCluster.config(SecureCluster.node(0))),
            Duration.ofSeconds(60));
      }
    }
  }

  @Test
  void when_a_principal_acts_beyond_its_role_then_the_cli_says_so_in_one_line() throws Exception {
    String prefix = "secure-roles";
    SecureCluster.init(prefix, 3);
    CliTest.Run create = operator("init", "--prefix", "operators-own-bank", "--nodes", "2");
    assertEquals(1, create.code(), create.out());
    assertTrue(create.err().startsWith("error: "), create.err());
    assertTrue(create.err().contains("not allowed by Kafka's ACLs"), create.err());
    assertEquals(1, create.err().strip().lines().count(), create.err());
    CliTest.Run impostor =
        CliTest.run(
            "node",
            "--bootstrap",
            SecureCluster.bootstrap(),
            "--prefix",
            prefix,
            "--id",
            "2",
            "--client-config",
            SecureCluster.file(SecureCluster.node(1)).toString());
    assertEquals(1, impostor.code(), impostor.out());
    assertTrue(impostor.err().contains("error: "), impostor.err());
    assertTrue(
        impostor.err().toLowerCase().contains("authoriz"), "names the refusal: " + impostor.err());
    assertFalse(impostor.err().contains("\tat "), impostor.err());
    CliTest.Run wrong =
        CliTest.run(
            "report",
            "--bootstrap",
            SecureCluster.bootstrap(),
            "--prefix",
            prefix,
            "--client-config",
            SecureCluster.file(SecureCluster.node(1)).toString());
    assertEquals(1, wrong.code());
    assertTrue(wrong.err().contains("not allowed by Kafka's ACLs"), wrong.err());
  }

  @Test
  void when_a_release_brings_a_new_schema_then_only_the_operator_may_register_it(@TempDir Path tmp)
      throws Exception {
    String prefix = "secure-upgrade";
    SecureCluster.init(prefix, 2);
    BankTopics v2 = Releases.v2(prefix, ChannelRecord.class);
    try (LocalBank bank = new LocalBank(BankTopics.of(prefix))) {
      BankNode refused = bank.start(node(prefix, 0), v2);
      assertTrue(refused.awaitStopped(Duration.ofSeconds(60)), "a node of the new release stops");
      String why = refused.failure().orElse("");
      assertTrue(
          why.contains("are not registered in " + prefix + ".schemas")
              && why.contains("may not register them")
              && why.contains("snapbank schemas register"),
          why);
      assertTrue(why.contains("io.snapbank.schemas.ChannelRecord"), why);

      Path dir = tmp.resolve("v2");
      SchemasCommandTest.release(dir, Releases.v2(ChannelRecord.class));
      CliTest.Run asNode =
          CliTest.run(
              "schemas",
              "register",
              dir.toString(),
              "--bootstrap",
              SecureCluster.bootstrap(),
              "--prefix",
              prefix,
              "--client-config",
              SecureCluster.file(SecureCluster.node(1)).toString());
      assertEquals(1, asNode.code(), asNode.out() + asNode.err());
      assertEquals(1, asNode.err().strip().lines().count(), asNode.err());
      CliTest.Run asOperator = operator("schemas", "register", dir.toString(), "--prefix", prefix);
      assertEquals(0, asOperator.code(), asOperator.out() + asOperator.err());

      BankNode upgraded = bank.start(node(prefix, 0), v2);
      bank.startAndAwait(node(prefix, 1), Duration.ofSeconds(60));
      assertTrue(
          upgraded.awaitReady(Duration.ofSeconds(60)),
          "the new release runs once the operator registered it: " + upgraded.failure());
    }
  }
}
