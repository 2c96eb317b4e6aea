package io.snapbank.cli;

import io.snapbank.auditor.core.ChannelNames;
import io.snapbank.node.kafka.BankFork;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.node.kafka.RestoreController;
import io.snapbank.node.restore.RestoreCheck;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Roll the running bank back to a verified snapshot, or fork it into a new bank.",
      "Only a restorable cut is used: audited CONSISTENT, every member's state present, every"
          + " recorded in-flight range still in the log and replaying to the recorded count and"
          + " sum, the same members, every record it reads written with a schema this release"
          + " knows or the bank's schema store holds. Anything else is refused and nothing"
          + " changes."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--snapshot", required = true, description = "The snapshot id to restore.")
  long snapshotId;

  @Option(names = "--dry-run", description = "Print the plan and the checks; change nothing.")
  boolean dryRun;

  @Option(
      names = "--into",
      paramLabel = "PREFIX",
      description =
          "Fork: create a new bank under PREFIX from the snapshot; this bank is untouched.")
  String into;

  @Option(
      names = "--timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "How long to wait for every node to run in the new epoch (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--reason", defaultValue = "", description = "Why, for the restore history.")
  String reason;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    BankTopics topics = BankTopics.of(kafka.prefix);
    Map<String, String> client = kafka.clientConfig();
    try (RestoreController controller = new RestoreController(kafka.bootstrap, client, topics)) {
      RestoreController.Plan plan = controller.plan(snapshotId);
      List<RestoreCheck> checks =
          into == null ? plan.checks() : BankFork.checks(plan, !bankExists(into), into);
      printPlan(out, plan, checks);
      boolean ok = checks.stream().allMatch(RestoreCheck::passed);
      if (dryRun) {
        out.println(
            ok
                ? "restorable: yes (run again without --dry-run to "
                    + (into == null ? "restore" : "fork")
                    + ")"
                : "restorable: no");
        return ok ? 0 : 1;
      }
      if (!ok) {
        System.err.println(
            "error: snapshot "
                + snapshotId
                + " cannot be "
                + (into == null ? "restored" : "forked")
                + "; nothing changed: "
                + String.join(
                    "; ",
                    checks.stream().filter(c -> !c.passed()).map(RestoreCheck::line).toList()));
        return 1;
      }
      return into == null
          ? restore(out, controller, plan)
          : fork(out, plan, controller.topics(), client);
    }
  }

  private int restore(PrintStream out, RestoreController controller, RestoreController.Plan plan)
      throws Exception {
    long committedAt = System.currentTimeMillis();
    BankEpoch e = controller.commit(plan, "cli@" + hostName(), reason, System.currentTimeMillis());
    out.println(
        "committed: epoch "
            + e.getEpoch()
            + " restores snapshot "
            + snapshotId
            + "; waiting for the nodes to switch...");
    boolean all =
        controller.await(e.getEpoch(), plan.members(), timeout, line -> out.println("  " + line));
    if (!all) {
      System.err.println(
          "error: the restore is committed as epoch "
              + e.getEpoch()
              + ", but not every node applied it within "
              + timeout.toSeconds()
              + " s (a node that is down applies it when it starts)");
      return 3;
    }
    List<String> stale = controller.staleTransactions(plan.members(), committedAt);
    if (!stale.isEmpty()) {
      System.err.println("error: transactions from before the restore are still open: " + stale);
      return 3;
    }
    out.println(
        "done: every node runs in epoch "
            + e.getEpoch()
            + " from snapshot "
            + snapshotId
            + "; no transaction from before the restore is open");
    return 0;
  }

  private int fork(
      PrintStream out, RestoreController.Plan plan, BankTopics source, Map<String, String> client)
      throws Exception {
    BankFork.Result r =
        BankFork.fork(
            kafka.bootstrap, client, plan, source, BankTopics.of(into), System.currentTimeMillis());
    out.println(
        "forked: bank '"
            + into
            + "' starts from snapshot "
            + snapshotId
            + " of bank '"
            + kafka.prefix
            + "': "
            + r.genesis().getNodes()
            + " nodes, total "
            + r.genesis().getTotal()
            + ", "
            + r.transfersCopied()
            + " in-flight transfers delivered first");
    out.println(
        "run its nodes with: snapbank node --prefix "
            + into
            + " --id N   (N = 0.."
            + (r.genesis().getNodes() - 1)
            + ")");
    return 0;
  }

  private boolean bankExists(String prefix) {
    return io.snapbank.node.kafka.BankSetup.readGenesis(
            kafka.bootstrap, kafka.clientConfig(), BankTopics.of(prefix), Duration.ofSeconds(30))
        .isPresent();
  }

  private void printPlan(PrintStream out, RestoreController.Plan plan, List<RestoreCheck> checks) {
    out.println(
        (into == null ? "restore" : "fork into '" + into + "'")
            + " of bank '"
            + kafka.prefix
            + "' to snapshot "
            + snapshotId
            + " (taken in epoch "
            + plan.cut().getEpoch()
            + ")"
            + (into == null ? ", as epoch " + plan.nextEpoch() : "")
            + ":");
    for (NodeFigure f : plan.cut().getNodes()) {
      StringBuilder b = new StringBuilder();
      for (AccountBalance a : f.getBalances()) {
        b.append(b.length() == 0 ? "" : ", ")
            .append(a.getAccount())
            .append('=')
            .append(a.getBalance());
      }
      out.println("  node " + f.getNodeId() + ": " + f.getBalancesTotal() + " (" + b + ")");
    }
    for (ChannelState c : plan.cut().getChannels()) {
      String name = ChannelNames.lane(c);
      ChannelRangeReader.Range replay = plan.replays().get(name);
      out.println(
          "  channel "
              + name
              + ": replay offsets ["
              + c.getFirstOffset()
              + ", "
              + c.getMarkerOffset()
              + "): "
              + c.getCount()
              + " transfers summing "
              + c.getSum()
              + (replay == null
                  ? ""
                  : " (the log replays " + replay.count() + " summing " + replay.sum() + ")"));
    }
    if (into == null) {
      out.println(
          "  superseded: snapshots "
              + (plan.superseded().isEmpty() ? "none" : plan.superseded())
              + " taken after it; pending ones end ABORTED (SUPERSEDED)");
    }
    out.println("checks:");
    checks.forEach(c -> out.println("  " + c.line()));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
