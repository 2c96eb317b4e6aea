package io.snapbank.cli;

import io.snapbank.auditor.app.AuditorSetup;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.cli.security.BankCredentials;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create the bank's topics (and the auditor's deep-audits topic) and write its genesis"
          + " (idempotent: an existing bank is kept).",
      "With --secure (and the admin's --client-config), also create one principal per role"
          + " (node-<i>, auditor, operator) with SCRAM-SHA-512 credentials and least-privilege"
          + " ACLs, and write each one's client config to DIR/<principal>.properties (mode 600)."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;
  @Mixin ChannelOptions channels;

  @Option(
      names = "--nodes",
      defaultValue = "${env:SNAPBANK_NODES:-4}",
      description = "Number of bank nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--accounts",
      defaultValue = "${env:SNAPBANK_ACCOUNTS:-10}",
      description = "Accounts per node (default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--opening",
      defaultValue = "${env:SNAPBANK_OPENING:-100000}",
      description = "Opening balance per account, minor units (default ${DEFAULT-VALUE}).")
  long opening;

  @Option(
      names = "--report-partitions",
      paramLabel = "R",
      defaultValue = "${env:SNAPBANK_REPORT_PARTITIONS:-1}",
      description =
          "Partitions of <prefix>.snapshot-reports (default ${DEFAULT-VALUE}, at most "
              + ReportPartitions.MAX
              + "): a snapshot's reports share one, and up to R auditors share the work."
              + " Fixed when the bank is created.")
  int reportPartitions;

  @Option(
      names = "--secure",
      description =
          "Create the bank's principals, their credentials and ACLs (needs an admin's"
              + " --client-config and --credentials-dir).")
  boolean secure;

  @Option(
      names = "--credentials-dir",
      paramLabel = "DIR",
      description = "Where --secure writes each principal's client config (created mode 700).")
  Path credentialsDir;

  @Override
  public Integer call() throws Exception {
    int lanes = channels.partitions();
    ChannelOrder order = channels.order();
    ReportPartitions.check(reportPartitions);
    if (secure && credentialsDir == null) {
      throw new IllegalArgumentException("--secure needs --credentials-dir DIR");
    }
    if (secure && kafka.clientConfig().isEmpty()) {
      throw new IllegalArgumentException(
          "--secure needs an admin's --client-config (a secure broker writes admin.properties)");
    }
    if (!secure && credentialsDir != null) {
      throw new IllegalArgumentException("--credentials-dir is only used with --secure");
    }
    Map<String, String> client = kafka.clientConfig();
    BankTopics topics = BankTopics.of(kafka.prefix);
    BankGenesis genesis =
        BankSetup.genesis(nodes, accounts, opening, lanes, order, System.currentTimeMillis());
    genesis.setReportPartitions(reportPartitions);
    BankSetup.InitResult r = BankSetup.init(kafka.bootstrap, client, topics, genesis);
    int created =
        r.topicsCreated().size()
            + AuditorSetup.init(
                    kafka.bootstrap, client, new AuditorTopics(topics), Duration.ofSeconds(30))
                .size();
    System.out.printf(
        "bank '%s' at %s: %d nodes, %d accounts, total %d, %d partition(s) per channel, channel"
            + " order %s (%s); topics created: %d%n",
        kafka.prefix,
        kafka.bootstrap,
        r.genesis().getNodes(),
        r.genesis().getAccounts().size(),
        r.genesis().getTotal(),
        r.genesis().getChannelPartitions(),
        r.genesis().getChannelOrder().name().toLowerCase(java.util.Locale.ROOT),
        r.created() ? "genesis written" : "genesis already present, kept",
        created);
    if (r.genesis().getReportPartitions() > 1) {
      System.out.printf(
          "snapshot reports over %d partitions: up to %d auditors share the work%n",
          r.genesis().getReportPartitions(), r.genesis().getReportPartitions());
    }
    try (org.apache.kafka.clients.admin.Admin a = BankSetup.admin(kafka.bootstrap, client)) {
      io.snapbank.schemas.kafka.Replication rep =
          io.snapbank.schemas.kafka.Replication.of(a, Duration.ofSeconds(30));
      System.out.printf(
          "topics are created with replication factor %d, min.insync.replicas %d%n",
          rep.factor(), rep.minInsyncReplicas());
    }
    if (secure) {
      BankCredentials.Provisioned p =
          BankCredentials.provision(
              kafka.bootstrap,
              client,
              topics,
              r.genesis().getNodes(),
              AuditorConfig.of(kafka.bootstrap, kafka.prefix, Path.of(".")).applicationId(),
              credentialsDir);
      System.out.printf(
          "principals %s: SCRAM-SHA-512 credentials and %d ACLs; client configs (mode 600) in %s%n",
          String.join(", ", p.files().keySet()), p.acls(), credentialsDir);
      p.files().forEach((principal, f) -> System.out.println("  " + principal + ": " + f));
    }
    return 0;
  }
}
