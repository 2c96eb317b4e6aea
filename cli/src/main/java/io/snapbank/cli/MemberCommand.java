package io.snapbank.cli;

import io.snapbank.node.kafka.MembershipController;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.epoch.EpochMoney;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "member",
    mixinStandardHelpOptions = true,
    description = {
      "Change the members of a running bank: each change is an entry of the bank's epoch log.",
      "One change at a time; snapshots of the old epoch end ABORTED (EPOCH_CHANGED) and are"
          + " retried by the auditor in the new one."
    },
    subcommands = {MemberCommand.Add.class, MemberCommand.Remove.class, MemberCommand.List.class})
final class MemberCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static MembershipController controller(KafkaOptions kafka) {
    return new MembershipController(
        kafka.bootstrap, kafka.clientConfig(), BankTopics.of(kafka.prefix));
  }

  private static String by() {
    try {
      return "cli@" + java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "cli";
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Admit a new node (the next id): its channels are created and every member starts"
            + " sending to it. Its opening deposits are money entering the bank.",
        "Then run it with: snapbank node --id N"
      })
  static final class Add implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(
        names = "--accounts",
        description = "Accounts of the new node (default: as many as node 0 has).")
    Integer accounts;

    @Option(
        names = "--opening",
        paramLabel = "AMOUNT",
        description = "Opening deposit per account, minor units (default: node 0's first opening).")
    Long opening;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      try (MembershipController c = controller(kafka)) {
        BankGenesis g = c.genesis();
        int n = accounts != null ? accounts : accountsOfNode0(g);
        long each = opening != null ? opening : openingOfNode0(g);
        if (n < 1 || each < 0) {
          throw new IllegalArgumentException(
              "--accounts must be at least 1 and --opening at least 0 (got "
                  + n
                  + " and "
                  + each
                  + ")");
        }
        BankEpoch e = c.add(n, each, by(), System.currentTimeMillis());
        int id = e.getJoined().getNodeId();
        out.println(
            "committed: epoch "
                + e.getEpoch()
                + " admits node "
                + id
                + " with "
                + n
                + " accounts of "
                + each
                + " (money in "
                + e.getMoneyIn()
                + "); members "
                + e.getMembers());
        out.println("start it with: snapbank node --prefix " + kafka.prefix + " --id " + id);
        return 0;
      }
    }

    private static int accountsOfNode0(BankGenesis g) {
      return (int) g.getAccounts().stream().filter(a -> a.getNodeId() == 0).count();
    }

    private static long openingOfNode0(BankGenesis g) {
      return g.getAccounts().stream()
          .filter(a -> a.getNodeId() == 0)
          .mapToLong(GenesisAccount::getBalance)
          .findFirst()
          .orElse(0L);
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Remove node K: it stops making transfers, every member closes its channel to it, it"
            + " moves its money to the other members (or to --to J) once every transfer on its"
            + " way to it has been credited, closes its own channels, and leaves.",
        "Node K must be running for its money to move. Interrupted or timed out, run the same"
            + " command again: it resumes where it stopped."
      })
  static final class Remove implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--id", required = true, paramLabel = "K", description = "The node to remove.")
    int id;

    @Option(
        names = "--to",
        paramLabel = "J",
        description = "The member that receives node K's money (default: every other member).")
    Integer to;

    @Option(
        names = "--timeout",
        defaultValue = "120s",
        converter = DurationConverter.class,
        description = "How long to wait for the node to drain (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      try (MembershipController c = controller(kafka)) {
        BankEpoch leave =
            c.startLeave(id, Optional.ofNullable(to), by(), System.currentTimeMillis());
        out.println(
            "leaving: epoch "
                + leave.getEpoch()
                + " drains node "
                + id
                + " to "
                + leave.getLeaving().getHeirs().stream()
                    .map(h -> h.getNodeId() + ":" + h.getAccount())
                    .toList());
        Optional<BankEpoch> left =
            c.finishLeave(
                leave, timeout, line -> out.println("  " + line), by(), System.currentTimeMillis());
        if (left.isEmpty()) {
          System.err.println(
              "error: node "
                  + id
                  + " did not finish draining within "
                  + timeout.toSeconds()
                  + " s; the leave stays started (epoch "
                  + leave.getEpoch()
                  + "): start node "
                  + id
                  + " if it is down, then run this command again");
          return 3;
        }
        out.println(
            "done: epoch "
                + left.get().getEpoch()
                + " ends node "
                + id
                + "'s membership; members "
                + left.get().getMembers());
        return 0;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The members in each epoch, with when and why each epoch began.")
  static final class List implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() {
      PrintStream out = System.out;
      try (MembershipController c = controller(kafka)) {
        BankGenesis g = c.genesis();
        EpochHistory h = c.history();
        long total = g.getTotal();
        out.printf(
            "%-6s %-8s %-24s %-14s %s%n", "epoch", "kind", "began", "total", "members / why");
        out.printf(
            "%-6d %-8s %-24s %-14d %s%n",
            0,
            "GENESIS",
            Instant.ofEpochMilli(g.getCreatedAtMs()),
            total,
            h.membersAt(0) + (g.getOrigin().isEmpty() ? "" : "  " + g.getOrigin()));
        for (BankEpoch e : h.entries()) {
          total = EpochMoney.totalAfter(total, e);
          String why = e.getReason().isEmpty() ? "" : "  " + e.getReason();
          String who = e.getRequestedBy().isEmpty() ? "" : " (by " + e.getRequestedBy() + ")";
          out.printf(
              "%-6d %-8s %-24s %-14d %s%n",
              e.getEpoch(),
              e.getKind(),
              Instant.ofEpochMilli(e.getCreatedAtMs()),
              total,
              e.getMembers() + why + who);
        }
        h.draining()
            .ifPresent(
                d ->
                    out.println(
                        "node "
                            + d.getLeaving().getNodeId()
                            + " is leaving; finish with: snapbank member remove --id "
                            + d.getLeaving().getNodeId()));
        return 0;
      }
    }
  }
}
