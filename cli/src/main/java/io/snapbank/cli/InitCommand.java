package io.snapbank.cli;

import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.topic.BankTopics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create the bank's topics and write its genesis (idempotent: an existing bank is kept).")
final class InitCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

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

  @Override
  public Integer call() throws Exception {
    BankSetup.InitResult r =
        BankSetup.init(
            kafka.bootstrap,
            BankTopics.of(kafka.prefix),
            BankSetup.genesis(nodes, accounts, opening, System.currentTimeMillis()));
    System.out.printf(
        "bank '%s' at %s: %d nodes, %d accounts, total %d (%s); topics created: %d%n",
        kafka.prefix,
        kafka.bootstrap,
        r.genesis().getNodes(),
        r.genesis().getAccounts().size(),
        r.genesis().getTotal(),
        r.created() ? "genesis written" : "genesis already present, kept",
        r.topicsCreated().size());
    return 0;
  }
}
