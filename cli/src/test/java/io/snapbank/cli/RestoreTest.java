package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Channel;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.invariants.LogEntry;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankReader;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.node.kafka.KafkaObservation;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapbank restore} on a real broker: rollback, fork, crashes, and refusals. */
class RestoreTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long AFTER_ITS_SWITCH = -1;

  static CliTest.Run restore(String prefix, long snapshot, String... more) {
    String[] base = {
      "restore",
      "--bootstrap",
      SharedBroker.bootstrap(),
      "--prefix",
      prefix,
      "--snapshot",
      Long.toString(snapshot)
    };
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliTest.run(args);
  }

  private static long currentEpoch(AuditedBank b) {
    try (BankReader r = new BankReader(b.bank.bootstrap, Map.of(), b.bank.topics)) {
      return r.epochs(b.bank.genesis).current();
    }
  }

  /** The cut's balances of {@code node} plus its in-flight transfers, replayed from the log. */
  private static Map<String, Long> cutPlusInFlight(AuditedBank b, AuditReport cut, int node) {
    Map<String, Long> want = new TreeMap<>();
    for (NodeFigure f : cut.getNodes()) {
      if (f.getNodeId() == node) {
        for (AccountBalance a : f.getBalances()) {
          want.put(a.getAccount(), a.getBalance());
        }
      }
    }
    BankAccounts accounts = ReportCodec.accounts(b.bank.genesis);
    try (ChannelRangeReader ranges = new ChannelRangeReader(b.bank.bootstrap, b.bank.topics)) {
      for (ChannelState c : cut.getChannels()) {
        if (c.getToNode() != node) {
          continue;
        }
        ChannelRangeReader.Range r =
            ranges.read(
                new Lane(c.getFromNode(), c.getLane()),
                node,
                c.getFirstOffset(),
                c.getMarkerOffset(),
                c.getSeqBefore(),
                c.getColourBelow(),
                a -> accounts.owns(node, a),
                new ChannelRule.Epochs(cut.getIncarnation(), cut.getEpoch()),
                WAIT);
        assertEquals(c.getCount(), r.count(), "recorded count of " + c);
        r.transfers().forEach(t -> want.merge(t.toAccount(), t.amount(), Long::sum));
      }
    }
    return want;
  }

  /** The first committed checkpoint of {@code node} in {@code epoch} or later. */
  private static NodeState firstIn(AuditedBank b, int node, long epoch) {
    BankTopics t = b.bank.topics;
    NodeState[] found = new NodeState[1];
    try (PartitionScanner s = new PartitionScanner(b.bank.bootstrap, Map.of())) {
      s.scanAll(
          new TopicPartition(t.nodeState().name(), node),
          WAIT,
          r -> {
            NodeState st = CheckpointCodec.decode(t.nodeState().decode(r.value()));
            if (found[0] == null && st.epoch() >= epoch) {
              found[0] = st;
            }
          });
    }
    if (found[0] == null) {
      throw new AssertionError("node " + node + " has no checkpoint in epoch " + epoch);
    }
    return found[0];
  }

  private static void awaitEpoch(AuditedBank b, int node, long epoch) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    try (BankReader r = new BankReader(b.bank.bootstrap, Map.of(), b.bank.topics)) {
      while (r.nodeEpochs(List.of(node)).get(node) < epoch) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("node " + node + " did not reach epoch " + epoch);
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void when_the_bank_is_rolled_back_under_load_then_each_node_holds_the_cut_plus_its_in_flight(
      @TempDir Path tmp) throws Exception {
    String prefix = "rollback";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 4, tmp)) {
      b.startNodes(4, 300);
      AuditReport cut = b.consistent();
      Thread.sleep(1000); // the old timeline goes on past the cut

      CliTest.Run dry = restore(prefix, cut.getSnapshotId(), "--dry-run");
      assertEquals(0, dry.code(), dry.out() + dry.err());
      assertTrue(dry.out().contains("restorable: yes"), dry.out());
      assertTrue(dry.out().contains("PASS REPLAY_MATCHES"), dry.out());
      assertTrue(dry.out().contains("channel 3->0: replay offsets ["), dry.out());
      for (NodeFigure f : cut.getNodes()) {
        assertTrue(
            dry.out().contains("  node " + f.getNodeId() + ": " + f.getBalancesTotal() + " ("),
            "the plan shows node " + f.getNodeId() + "'s balances at the cut: " + dry.out());
      }
      assertTrue(dry.out().contains("  superseded: snapshots "), dry.out());
      assertEquals(0, currentEpoch(b), "a dry run changes nothing");

      CliTest.Run run = restore(prefix, cut.getSnapshotId(), "--reason", "test rollback");
      assertEquals(0, run.code(), run.out() + run.err());
      assertTrue(run.out().contains("done: every node runs in epoch 1"), run.out());
      for (int node = 0; node < 4; node++) {
        assertEquals(
            cutPlusInFlight(b, cut, node),
            firstIn(b, node, 1).balances(),
            "node " + node + " right after the switch");
      }
      AuditReport after = b.await(b.request(), r -> true, WAIT);
      assertEquals(AuditStatus.CONSISTENT, after.getStatus(), "the first snapshot after it");
      assertEquals(1, after.getEpoch());
      assertEquals(1, after.getIncarnation());
      assertEquals(cut.getExpectedTotal(), after.getBalancesTotal() + after.getInFlightTotal());
      b.bank.stopAll();
      BankObservation seen =
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT);
      Invariants.assertHold(Invariants.all(), seen, "bank after a rollback");
      // transfer ids stay unique across incarnations: the old timeline's (superseded ones
      // included) and the new one's, over the whole log
      Set<String> ids = new HashSet<>();
      int[] byIncarnation = new int[2];
      for (Channel c : seen.channels()) {
        for (LogEntry e : seen.log(c)) {
          if (e.message() != null && e.message().body() instanceof ChannelMessage.Transfer t) {
            assertTrue(ids.add(t.transferId()), "transfer id " + t.transferId() + " used twice");
            byIncarnation[e.message().epoch() >= 1 ? 1 : 0]++;
          }
        }
      }
      assertTrue(
          byIncarnation[0] > 0 && byIncarnation[1] > 0,
          "both timelines sent transfers: " + byIncarnation[0] + ", " + byIncarnation[1]);
      AuditedBank.assertNoOpenTransaction(prefix);
      assertTrue(
          b.auditor.epochs().size() == 1
              && b.auditor.epochs().get(0).getReason().equals("test rollback"),
          "the auditor shows the restore history: " + b.auditor.epochs());
    }
  }

  @Test
  void when_a_node_is_down_during_the_rollback_then_it_applies_it_when_it_starts(@TempDir Path tmp)
      throws Exception {
    String prefix = "rollback-down";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp)) {
      b.startNodes(3, 200);
      AuditReport cut = b.consistent();
      BankNode down = b.bank.nodes().get(2);
      b.bank.stop(down);
      long pending = b.request(); // cannot complete without node 2

      CliTest.Run run = restore(prefix, cut.getSnapshotId(), "--timeout", "3s");
      assertEquals(3, run.code(), run.out() + run.err());
      assertTrue(run.err().contains("a node that is down applies it when it starts"), run.err());
      AuditReport superseded = b.await(pending, r -> true, WAIT);
      assertEquals(AuditStatus.ABORTED, superseded.getStatus());
      assertEquals("SUPERSEDED", superseded.getAbortReason());

      CliTest.Run again = restore(prefix, cut.getSnapshotId());
      assertEquals(1, again.code(), again.out());
      assertTrue(again.err().contains("FAIL NO_CHANGE_IN_PROGRESS"), again.err());
      assertEquals(1, currentEpoch(b), "the refused restore wrote nothing");

      b.bank.start(b.bank.config(2, 200));
      awaitEpoch(b, 2, 1);
      assertEquals(cutPlusInFlight(b, cut, 2), firstIn(b, 2, 1).balances());
      AuditReport after = b.consistent();
      assertEquals(1, after.getEpoch());
      b.bank.stopAll();
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT),
          "bank after a node caught up with a rollback");
    }
  }

  @Test
  void when_a_node_process_is_killed_in_the_middle_of_a_restore_then_it_applies_it_once(
      @TempDir Path tmp) throws Exception {
    String prefix = "rollback-kill";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp)) {
      b.bank.start(b.bank.config(0, 200));
      b.bank.start(b.bank.config(1, 200));
      Path log = tmp.resolve("node-2.log");
      Process p = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log);
      AuditReport cut = b.consistent();
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      assertEquals(3, restore(prefix, cut.getSnapshotId(), "--timeout", "2s").code());
      for (long delay : new long[] {300, 900}) {
        p = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log);
        Thread.sleep(delay); // somewhere in its start-up or its switch
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      }
      p = NodeProcesses.start(b.bank.bootstrap, prefix, 2, log);
      awaitEpoch(b, 2, 1);
      assertEquals(cutPlusInFlight(b, cut, 2), firstIn(b, 2, 1).balances());
      AuditReport after = b.consistent();
      assertEquals(1, after.getEpoch());
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      b.bank.stopAll();
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT),
          "bank after a node was killed during its switch");
    }
  }

  @Test
  void when_the_restore_command_is_killed_at_any_moment_then_the_bank_is_never_in_two_timelines(
      @TempDir Path tmp) throws Exception {
    String prefix = "rollback-killed-command";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp)) {
      b.startNodes(3, 200);
      long epoch = 0;
      // the last command is killed once its switch is in the epoch log (during its wait for the
      // nodes): a fixed delay would assume how fast a fresh JVM plans and commits on a busy machine
      for (long after : new long[] {50, 400, 1_200, 2_500, AFTER_ITS_SWITCH}) {
        AuditReport cut = b.consistent();
        Process p =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.snapbank.cli.Main",
                    "restore",
                    "--bootstrap",
                    b.bank.bootstrap,
                    "--prefix",
                    prefix,
                    "--snapshot",
                    Long.toString(cut.getSnapshotId()))
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(tmp.resolve("restore.log").toFile()))
                .start();
        if (after == AFTER_ITS_SWITCH) {
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (currentEpoch(b) == epoch && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
        } else {
          Thread.sleep(after);
        }
        p.destroyForcibly(); // SIGKILL, at some point of its plan, its commit or its wait
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        AuditedBank.awaitDecided(prefix + "-epochs"); // a commit it had sent reaches the log
        long now = currentEpoch(b);
        assertTrue(now == epoch || now == epoch + 1, "epoch " + now + " after " + epoch);
        if (now == epoch + 1) {
          for (int node = 0; node < 3; node++) {
            awaitEpoch(b, node, now); // the switch was committed: every node applies it
            assertEquals(cutPlusInFlight(b, cut, node), firstIn(b, node, now).balances());
          }
        }
        if (after == 50) {
          assertEquals(0, now, "killed before it could plan: nothing changed");
        }
        epoch = now;
        assertEquals(epoch, b.consistent().getEpoch(), "the bank runs in one timeline");
      }
      assertTrue(epoch >= 1, "some of the killed commands had committed their switch");
      b.bank.stopAll();
      Invariants.assertHold(
          Invariants.all(),
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT),
          "bank after restore commands killed at any moment");
    }
  }

  @Test
  void when_a_cut_is_forked_then_the_new_bank_runs_from_it_and_the_original_is_untouched(
      @TempDir Path tmp) throws Exception {
    String prefix = "forked-from";
    String fork = "forked-into";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp.resolve("a"))) {
      b.startNodes(3, 300);
      AuditReport cut = b.consistent();
      CliTest.Run run = restore(prefix, cut.getSnapshotId(), "--into", fork);
      assertEquals(0, run.code(), run.out() + run.err());
      assertTrue(run.out().contains("forked: bank '" + fork + "'"), run.out());
      assertEquals(0, currentEpoch(b), "the original bank is untouched");
      CliTest.Run twice = restore(prefix, cut.getSnapshotId(), "--into", fork);
      assertEquals(1, twice.code());
      assertTrue(twice.err().contains("FAIL TARGET_FREE"), twice.err());

      try (AuditedBank f = new AuditedBank(SharedBroker.bootstrap(), fork, 3, tmp.resolve("b"))) {
        assertEquals(cut.getExpectedTotal(), f.bank.genesis.getTotal());
        assertTrue(f.bank.genesis.getOrigin().contains("snapshot " + cut.getSnapshotId()));
        f.startNodes(3, 300);
        AuditReport first = f.consistent();
        assertEquals(cut.getExpectedTotal(), first.getBalancesTotal() + first.getInFlightTotal());
        f.bank.stopAll();
        Invariants.assertHold(
            Invariants.all(),
            KafkaObservation.read(f.bank.bootstrap, f.bank.topics, f.bank.genesis, WAIT),
            "forked bank");
      }
    }
  }

  @Test
  void when_a_cut_is_not_restorable_then_the_restore_is_refused_with_the_reason_and_nothing_changes(
      @TempDir Path tmp) throws Exception {
    String prefix = "refused";
    try (AuditedBank b = new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp)) {
      b.startNodes(3, 300);
      CliTest.Run unknown = restore(prefix, 999_999);
      assertEquals(1, unknown.code());
      assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
      assertTrue(unknown.err().contains("no audit report for snapshot 999999"), unknown.err());

      // a cut whose in-flight range retention deleted
      AuditReport withInFlight = b.consistent();
      for (int i = 0; i < 10 && withInFlight.getInFlightTotal() == 0; i++) {
        withInFlight = b.consistent();
      }
      ChannelState busy =
          withInFlight.getChannels().stream()
              .filter(c -> c.getCount() > 0)
              .findFirst()
              .orElseThrow();
      try (Admin admin = BankSetup.admin(b.bank.bootstrap)) {
        admin
            .deleteRecords(
                Map.of(
                    new TopicPartition(
                        b.bank.topics.transfers(busy.getFromNode()).name(), busy.getToNode()),
                    RecordsToDelete.beforeOffset(busy.getMarkerOffset())))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      CliTest.Run gone = restore(prefix, withInFlight.getSnapshotId());
      assertEquals(1, gone.code(), gone.out());
      assertTrue(gone.err().contains("FAIL RANGES_IN_LOG"), gone.err());
      assertTrue(gone.err().contains("is gone: the log now starts at offset"), gone.err());

      // an aborted snapshot
      b.bank.stop(b.bank.nodes().get(1));
      long stuck = b.request();
      AuditReport aborted = b.await(stuck, r -> true, WAIT);
      assertEquals(AuditStatus.ABORTED, aborted.getStatus());
      CliTest.Run notConsistent = restore(prefix, stuck, "--dry-run");
      assertEquals(1, notConsistent.code());
      assertTrue(notConsistent.out().contains("FAIL CONSISTENT"), notConsistent.out());
      assertTrue(notConsistent.out().contains("restorable: no"), notConsistent.out());
      assertFalse(notConsistent.err().contains("\tat "), "no stack trace");
      assertEquals(0, currentEpoch(b), "nothing was restored");
    }
  }
}
