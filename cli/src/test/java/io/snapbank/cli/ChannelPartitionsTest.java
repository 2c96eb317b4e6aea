package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.app.DeepAuditor;
import io.snapbank.auditor.core.DeepAuditRules;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Channel;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.invariants.LogEntry;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.KafkaObservation;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Banks whose channels each use several partitions (lanes), in order or without order, under load
 * with snapshots every 500 ms; and the settings a bank refuses.
 */
class ChannelPartitionsTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void when_channels_use_three_partitions_under_load_then_every_snapshot_is_consistent_per_lane(
      @TempDir Path tmp) throws Exception {
    String prefix = "lanes3";
    try (AuditedBank b =
        new AuditedBank(
            SharedBroker.bootstrap(),
            BankTopics.of(prefix),
            BankSetup.genesis(3, 4, 10_000, 3, 0),
            tmp,
            c -> c.withRequestPeriod(Duration.ofMillis(500)))) {
      b.startNodes(3, 300);
      awaitConsistent(b, 8, 0);
      int joined = MembershipTest.add(b, prefix);
      AuditReport afterJoin = awaitConsistent(b, 4, 1);
      assertEquals(3, joined);
      assertEquals(4 * 3 * 3, afterJoin.getChannels().size(), "4 members: 12 channels x 3 lanes");
      AuditReport deep =
          DeepAuditRules.withDeepAudit(
              afterJoin, new DeepAuditor(b.bank.bootstrap, b.bank.topics, WAIT).read(afterJoin));
      assertTrue(deep.getDeepAudit().getVerified(), deep.getDeepAudit().getProblems().toString());

      b.bank.stopAll();
      List<String> bad = new ArrayList<>();
      for (AuditReport r : b.reports().values()) {
        boolean ok =
            r.getStatus() == AuditStatus.CONSISTENT
                || (r.getStatus() == AuditStatus.ABORTED
                    && r.getAbortReason().equals("EPOCH_CHANGED"));
        if (!ok) {
          bad.add(r.getSnapshotId() + " " + r.getStatus() + " " + r.getProblems());
        }
      }
      assertEquals(List.of(), bad, "every snapshot is CONSISTENT (or ended by the join)");
      BankObservation o =
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT);
      Invariants.assertHold(Invariants.all(), o, "channels of 3 partitions");
      for (Channel lane : o.lanes()) {
        if (lane.from() == joined) {
          continue; // its 2 accounts use 2 of the 3 lanes at most
        }
        assertTrue(
            o.log(lane).stream()
                .map(LogEntry::message)
                .anyMatch(m -> m != null && m.body() instanceof ChannelMessage.Transfer),
            "an account's transfers keep to one lane, and the 4 accounts of a genesis node cover"
                + " all 3 lanes: "
                + lane);
      }
    }
  }

  @Test
  void when_channels_keep_no_order_under_load_then_every_snapshot_is_consistent_and_counted(
      @TempDir Path tmp) throws Exception {
    String prefix = "unordered";
    try (AuditedBank b =
        new AuditedBank(
            SharedBroker.bootstrap(),
            BankTopics.of(prefix),
            BankSetup.genesis(3, 4, 10_000, 2, ChannelOrder.NONE, 0),
            tmp,
            c -> c.withRequestPeriod(Duration.ofMillis(500)))) {
      b.startNodes(3, 300);
      AuditReport last = awaitConsistent(b, 8, 0, 2);
      for (ChannelState c : last.getChannels()) {
        assertEquals(last.getSnapshotId(), c.getColourBelow(), "counted below its own colour");
      }
      AuditReport deep =
          DeepAuditRules.withDeepAudit(
              last, new DeepAuditor(b.bank.bootstrap, b.bank.topics, WAIT).read(last));
      assertTrue(deep.getDeepAudit().getVerified(), deep.getDeepAudit().getProblems().toString());

      b.bank.stopAll();
      List<String> bad = new ArrayList<>();
      for (AuditReport r : b.reports().values()) {
        if (r.getStatus() != AuditStatus.CONSISTENT) {
          bad.add(r.getSnapshotId() + " " + r.getStatus() + " " + r.getProblems());
        }
      }
      assertEquals(List.of(), bad, "every snapshot is CONSISTENT");
      BankObservation o =
          KafkaObservation.read(b.bank.bootstrap, b.bank.topics, b.bank.genesis, WAIT);
      Invariants.assertHold(Invariants.all(), o, "channels without order");
      Set<Long> colours = new TreeSet<>();
      Set<String> accountsOnLane1 = new TreeSet<>();
      Set<String> accountsOnLane0 = new TreeSet<>();
      for (Channel lane : o.lanes()) {
        for (LogEntry e : o.log(lane)) {
          if (e.message() != null && e.message().body() instanceof ChannelMessage.Transfer t) {
            (lane.lane() == 0 ? accountsOnLane0 : accountsOnLane1).add(t.fromAccount());
            colours.add(e.message().colour());
          }
        }
      }
      Set<Long> snapshots = new TreeSet<>(b.reports().keySet());
      snapshots.add(-1L); // before the first snapshot
      assertTrue(
          snapshots.containsAll(colours), "a colour is a snapshot its sender recorded: " + colours);
      assertTrue(colours.size() >= 8, "transfers carry the colours of the snapshots: " + colours);
      accountsOnLane0.retainAll(accountsOnLane1);
      assertEquals(12, accountsOnLane0.size(), "every account's transfers use both lanes");
    }
  }

  @Test
  void when_channel_partitions_are_out_of_range_or_differ_from_the_bank_then_one_line_refuses() {
    String bootstrap = SharedBroker.bootstrap();
    for (String bad : List.of("0", "65", "-1")) {
      CliTest.Run r =
          CliTest.run(
              "init",
              "--bootstrap",
              bootstrap,
              "--prefix",
              "lanes-bad",
              "--channel-partitions",
              bad);
      assertTrue(r.code() != 0, r.out());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("channel partitions must be 1..64, not " + bad), r.err());
    }
    CliTest.Run order =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", "order-bad", "--channel-order", "lifo");
    assertTrue(order.code() != 0, order.out());
    assertEquals(1, order.err().strip().lines().count(), order.err());
    assertTrue(
        order.err().contains("--channel-order must be fifo or none, not 'lifo'"), order.err());
    CliTest.Run demo = CliTest.run("demo", "--channel-partitions", "0", "--duration", "5s");
    assertTrue(demo.code() != 0, demo.out());
    assertTrue(demo.err().contains("channel partitions must be 1..64, not 0"), demo.err());
    assertTrue(!demo.out().contains("starting an embedded Kafka broker"), "refused before it");

    CliTest.Run made =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", "lanes-two", "--channel-partitions", "2");
    assertEquals(0, made.code(), made.err());
    assertTrue(made.out().contains("2 partition(s) per channel"), made.out());
    CliTest.Run again =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", "lanes-two", "--channel-partitions", "4");
    assertTrue(again.code() != 0, again.out());
    assertEquals(1, again.err().strip().lines().count(), again.err());
    assertTrue(
        again.err().contains("already exists with 2 partitions per channel; not changing it"),
        again.err());
    CliTest.Run reorder =
        CliTest.run(
            "init",
            "--bootstrap",
            bootstrap,
            "--prefix",
            "lanes-two",
            "--channel-partitions",
            "2",
            "--channel-order",
            "none");
    assertTrue(reorder.code() != 0, reorder.out());
    assertTrue(
        reorder.err().contains("already exists with channel order fifo; not changing it"),
        reorder.err());
  }

  /**
   * Waits for {@code n} CONSISTENT snapshots of {@code epoch}; checks each records every lane of
   * every channel once and returns the last.
   */
  private static AuditReport awaitConsistent(AuditedBank b, int n, long epoch)
      throws InterruptedException {
    return awaitConsistent(b, n, epoch, 3);
  }

  private static AuditReport awaitConsistent(AuditedBank b, int n, long epoch, int partitions)
      throws InterruptedException {
    b.awaitAny(
        x ->
            b.reports().values().stream()
                    .filter(r -> r.getStatus() == AuditStatus.CONSISTENT && r.getEpoch() == epoch)
                    .count()
                >= n,
        WAIT);
    AuditReport last = null;
    for (AuditReport r : b.reports().values()) {
      if (r.getStatus() == AuditStatus.CONSISTENT && r.getEpoch() == epoch) {
        Set<String> lanes = new TreeSet<>();
        for (ChannelState c : r.getChannels()) {
          assertTrue(
              lanes.add(c.getFromNode() + "/" + c.getLane() + "->" + c.getToNode()),
              "lane recorded once");
        }
        int members = r.getNodes().size();
        assertEquals(
            members * (members - 1) * partitions, lanes.size(), "every lane of every channel");
        assertEquals(partitions, r.getChannelPartitions());
        last = r;
      }
    }
    return last;
  }
}
