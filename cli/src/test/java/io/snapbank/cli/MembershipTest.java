package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.app.DeepAuditor;
import io.snapbank.auditor.core.DeepAuditRules;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.kafka.BankReader;
import io.snapbank.node.kafka.KafkaObservation;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapbank member} on a real broker, under load, with the auditor snapshotting. */
class MembershipTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern ADMITS = Pattern.compile("admits node (\\d+)");

  static CliTest.Run member(String prefix, String... more) {
    List<String> args = new ArrayList<>(List.of("member"));
    args.add(more[0]);
    args.addAll(List.of("--bootstrap", SharedBroker.bootstrap(), "--prefix", prefix));
    args.addAll(List.of(more).subList(1, more.length));
    return CliTest.run(args.toArray(String[]::new));
  }

  private static EpochHistory history(AuditedBank b) {
    try (BankReader r = new BankReader(b.bank.bootstrap, Map.of(), b.bank.topics)) {
      return r.epochs(b.bank.genesis);
    }
  }

  /** Admits a node through the CLI, starts it, and returns its id. */
  static int add(AuditedBank b, String prefix) throws Exception {
    CliTest.Run run = member(prefix, "add", "--accounts", "2", "--opening", "5000");
    assertEquals(0, run.code(), run.out() + run.err());
    Matcher m = ADMITS.matcher(run.out());
    assertTrue(m.find(), run.out());
    int id = Integer.parseInt(m.group(1));
    b.bank.start(b.bank.config(id, 200));
    return id;
  }

  /**
   * The epoch log once the last commit of its writer has reached it: a command's commit returns
   * before its markers reach the partition.
   */
  private static EpochHistory settledHistory(AuditedBank b) {
    AuditedBank.awaitDecided(b.bank.topics.prefix() + "-epochs");
    return history(b);
  }

  /**
   * Waits for a CONSISTENT snapshot of epoch {@code epoch}, the current one, covering its members.
   */
  private static AuditReport consistentIn(AuditedBank b, long epoch) throws InterruptedException {
    EpochHistory h = settledHistory(b);
    assertEquals(epoch, h.current(), "the epoch the commands made");
    AuditReport r =
        b.awaitAny(x -> x.getStatus() == AuditStatus.CONSISTENT && x.getEpoch() == epoch, WAIT);
    assertEquals(
        h.membersAt(epoch),
        r.getNodes().stream().map(f -> f.getNodeId()).toList(),
        "snapshot " + r.getSnapshotId() + " covers the members of epoch " + epoch);
    assertEquals(h.expectedTotalAt(epoch, b.bank.genesis.getTotal()), r.getExpectedTotal());
    return r;
  }

  @Test
  void when_nodes_join_and_leave_under_load_then_every_snapshot_is_consistent_or_aborted_by_it(
      @TempDir Path tmp) throws Exception {
    String prefix = "members";
    try (AuditedBank b =
        new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp, Duration.ofMillis(500))) {
      b.startNodes(3, 200);
      consistentIn(b, 0);

      int first = add(b, prefix);
      consistentIn(b, 1);
      int second = add(b, prefix);
      consistentIn(b, 2);
      assertEquals(List.of(3, 4), List.of(first, second));

      CliTest.Run remove = member(prefix, "remove", "--id", "1", "--timeout", "60s");
      assertEquals(0, remove.code(), remove.out() + remove.err());
      assertTrue(remove.out().contains("done: epoch"), remove.out());
      AuditReport afterLeave = consistentIn(b, 4); // LEAVE, then LEFT
      assertEquals(
          List.of(0, 2, 3, 4), afterLeave.getNodes().stream().map(f -> f.getNodeId()).toList());

      int third = add(b, prefix);
      assertEquals(5, third, "ids are never reused");
      AuditReport last = consistentIn(b, 5);
      AuditReport deep =
          DeepAuditRules.withDeepAudit(
              last, new DeepAuditor(b.bank.bootstrap, b.bank.topics, WAIT).read(last));
      assertTrue(
          deep.getDeepAudit().getVerified(),
          "the deep audit knows the joined nodes' accounts: " + deep.getDeepAudit().getProblems());

      CliTest.Run list = member(prefix, "list");
      assertEquals(0, list.code(), list.err());
      for (String kind : List.of("GENESIS", "JOIN", "LEAVE", "LEFT")) {
        assertTrue(list.out().contains(kind), list.out());
      }
      assertTrue(list.out().contains("[0, 2, 3, 4, 5]"), list.out());

      // a retry is requested in the new epoch and may complete after `last`: wait for its report
      // while the bank still runs
      long until = System.currentTimeMillis() + WAIT.toMillis();
      List<Long> notRetried = notRetried(b, last.getSnapshotId());
      while (!notRetried.isEmpty() && System.currentTimeMillis() < until) {
        Thread.sleep(100);
        notRetried = notRetried(b, last.getSnapshotId());
      }
      b.bank.stopAll();
      List<String> bad = new ArrayList<>();
      b.reports()
          .values()
          .forEach(
              r -> {
                boolean ok =
                    r.getStatus() == AuditStatus.CONSISTENT
                        || (r.getStatus() == AuditStatus.ABORTED
                            && r.getAbortReason().equals("EPOCH_CHANGED"));
                if (!ok) {
                  bad.add(r.getSnapshotId() + " " + r.getStatus() + " " + r.getProblems());
                }
              });
      assertEquals(List.of(), bad, "every snapshot is CONSISTENT or ABORTED(EPOCH_CHANGED)");
      assertEquals(List.of(), notRetried, "the auditor retried every snapshot a change ended");
      assertTrue(b.reports().size() >= 8, "snapshots were taken all along: " + b.reports().size());
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT),
          "bank after two joins, a leave and a join");
      AuditedBank.assertNoOpenTransaction(prefix);
    }
  }

  /** Snapshots before {@code lastId} that a change ended and no report names as retried. */
  private static List<Long> notRetried(AuditedBank b, long lastId) {
    List<Long> retried = new ArrayList<>();
    b.reports().values().forEach(r -> retried.add(r.getRetryOf()));
    List<Long> missing = new ArrayList<>();
    b.reports()
        .values()
        .forEach(
            r -> {
              if (r.getStatus() == AuditStatus.ABORTED
                  && r.getSnapshotId() < lastId
                  && !retried.contains(r.getSnapshotId())) {
                missing.add(r.getSnapshotId());
              }
            });
    return missing;
  }

  private static void awaitEpoch(AuditedBank b, int node, long epoch) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    try (BankReader r = new BankReader(b.bank.bootstrap, Map.of(), b.bank.topics)) {
      while (!r.nodeStates(List.of(node)).get(node).map(s -> s.epoch() >= epoch).orElse(false)) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("node " + node + " did not reach epoch " + epoch);
        }
        Thread.sleep(100);
      }
    }
  }

  private static String states(AuditedBank b) {
    StringBuilder out = new StringBuilder();
    try (BankReader r = new BankReader(b.bank.bootstrap, Map.of(), b.bank.topics)) {
      r.nodeStates(List.of(0, 1, 2, 3))
          .forEach(
              (n, s) ->
                  out.append("\nnode ")
                      .append(n)
                      .append(": ")
                      .append(
                          s.map(
                                  x ->
                                      "epoch "
                                          + x.epoch()
                                          + " "
                                          + x.mode()
                                          + " closedIn "
                                          + x.engine().closedIn()
                                          + " closedOut "
                                          + x.engine().closedOut())
                              .orElse("none")));
    }
    return out.toString();
  }

  private static Process killed(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return p;
  }

  @Test
  void when_the_joining_or_the_leaving_node_is_killed_mid_change_then_the_change_completes(
      @TempDir Path tmp) throws Exception {
    String prefix = "members-kill";
    try (AuditedBank b =
        new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp, Duration.ofMillis(500))) {
      b.bank.start(b.bank.config(0, 200));
      b.bank.start(b.bank.config(1, 200));
      Path log2 = tmp.resolve("node-2.log");
      Process two = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log2);
      awaitEpoch(b, 2, 0);

      CliTest.Run add = member(prefix, "add");
      assertEquals(0, add.code(), add.err());
      killed(two); // a member, down while the others switch to the JOIN's epoch
      two = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log2);
      Path log3 = tmp.resolve("node-3.log");
      for (long delay : new long[] {300, 900}) {
        Process p = NodeProcesses.start(b.bank.bootstrap, prefix, 3, log3);
        Thread.sleep(delay); // somewhere in its start-up as a new member
        killed(p);
      }
      Process three = NodeProcesses.start(b.bank.bootstrap, prefix, 3, log3);
      for (int node = 0; node < 4; node++) {
        awaitEpoch(b, node, 1);
      }
      AuditReport joined = b.consistent();
      assertEquals(
          List.of(0, 1, 2, 3), joined.getNodes().stream().map(f -> f.getNodeId()).toList());

      killed(two);
      CliTest.Run stuck = member(prefix, "remove", "--id", "2", "--timeout", "2s");
      assertEquals(3, stuck.code(), stuck.out() + stuck.err());
      assertTrue(stuck.err().contains("run this command again"), stuck.err());
      two = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log2);
      Thread.sleep(700); // somewhere in its switch or its drain
      killed(two);
      killed(three); // another member, down in the middle of the change
      three = NodeProcesses.start(b.bank.bootstrap, prefix, 3, log3);
      two = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log2);
      CliTest.Run resumed = member(prefix, "remove", "--id", "2", "--timeout", "60s");
      assertEquals(
          0, resumed.code(), resumed.out() + resumed.err() + states(b) + Files.readString(log2));
      assertTrue(two.waitFor(60, TimeUnit.SECONDS), "node 2 stops once it left");
      assertTrue(Files.readString(log2).contains("left"), Files.readString(log2));
      AuditReport after = b.consistent();
      assertEquals(List.of(0, 1, 3), after.getNodes().stream().map(f -> f.getNodeId()).toList());

      three.destroy();
      assertTrue(three.waitFor(30, TimeUnit.SECONDS));
      b.bank.stopAll();
      List<String> violations = new ArrayList<>();
      b.reports()
          .values()
          .forEach(
              r -> {
                if (r.getStatus() == AuditStatus.VIOLATION) {
                  violations.add(r.getSnapshotId() + " " + r.getProblems());
                }
              });
      assertEquals(List.of(), violations, "no snapshot is a VIOLATION while nodes are killed");
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT),
          "bank after joining and leaving nodes were killed mid-change");
      AuditedBank.assertNoOpenTransaction(prefix);
    }
  }

  @Test
  void when_a_command_is_wrong_then_one_line_says_why_and_nothing_changes(@TempDir Path tmp)
      throws Exception {
    String prefix = "members-bad";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 2, tmp)) {
      b.startNodes(2, 100);
      for (String[] args :
          List.of(
              new String[] {"remove", "--id", "7"},
              new String[] {"remove", "--id", "0", "--to", "0"},
              new String[] {"add", "--accounts", "0"})) {
        CliTest.Run run = member(prefix, args);
        assertEquals(1, run.code(), String.join(" ", args) + ": " + run.out());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("error: "), run.err());
      }
      assertEquals(0, history(b).current(), "no refused command wrote an epoch");

      CliTest.Run leave = member(prefix, "remove", "--id", "1", "--timeout", "60s");
      assertEquals(0, leave.code(), leave.out() + leave.err());
      CliTest.Run last = member(prefix, "remove", "--id", "0");
      assertEquals(1, last.code(), last.out());
      assertTrue(last.err().contains("last member"), last.err());
      assertEquals(2, settledHistory(b).current(), "LEAVE and LEFT, nothing after");

      CliTest.Run add = member(prefix, "add");
      assertEquals(0, add.code(), add.err());
      CliTest.Run again = member(prefix, "add");
      assertEquals(1, again.code(), again.out());
      assertTrue(again.err().contains("another change is in progress"), again.err());
      assertEquals(3, settledHistory(b).current(), "the second add changed nothing");

      CliTest.Run stranger =
          CliTest.run(
              "node", "--bootstrap", SharedBroker.bootstrap(), "--prefix", prefix, "--id", "9");
      assertEquals(1, stranger.code(), stranger.out());
      assertTrue(stranger.err().contains("node id 9"), stranger.err());
      assertEquals(1, stranger.err().strip().lines().count(), stranger.err());
    }
  }
}
