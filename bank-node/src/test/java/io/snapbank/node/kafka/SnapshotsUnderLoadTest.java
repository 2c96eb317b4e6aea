package io.snapbank.node.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SnapshotsUnderLoadTest {

  @Test
  void
      when_20_snapshots_are_taken_while_money_moves_then_each_conserves_the_total_and_ranges_match()
          throws Exception {
    scenario(SharedBroker.bootstrap(), "load");
  }

  /**
   * 4 nodes moving money, 20 snapshots; checks conservation and the recorded ranges against the
   * log.
   */
  static void scenario(String bootstrap, String prefix) throws Exception {
    int n = 4;
    int snapshots = 20;
    try (BankFixture bank = new BankFixture(bootstrap, prefix, n, 5, 10_000)) {
      for (int i = 0; i < n; i++) {
        bank.start(bank.config(i, 400));
      }
      for (int s = 1; s <= snapshots; s++) {
        // alternate one initiator, two initiators, and all nodes
        List<Integer> initiators =
            s % 3 == 0 ? List.of() : s % 3 == 1 ? List.of(s % n) : List.of(0, 2);
        bank.request(s, initiators);
        Thread.sleep(150);
      }
      List<LocalSnapshotReport> reports = bank.reports(snapshots * n, Duration.ofSeconds(90));
      assertEquals(snapshots * n, reports.size(), "every node reports every snapshot");
      bank.stopAll();
      for (BankNode node : bank.nodes()) {
        assertTrue(node.failure().isEmpty(), () -> "node failed: " + node.failure());
        assertTrue(node.stats().transfersSent() > 0, "node generated transfers");
      }

      Map<Long, List<LocalSnapshotReport>> byId = new TreeMap<>();
      for (LocalSnapshotReport r : reports) {
        byId.computeIfAbsent(r.getSnapshotId(), k -> new ArrayList<>()).add(r);
      }
      assertEquals(snapshots, byId.size());
      long inFlightSeen = 0;
      BankAccounts accounts = ReportCodec.accounts(bank.genesis);
      try (ChannelRangeReader reader = new ChannelRangeReader(bank.bootstrap, bank.topics)) {
        for (Map.Entry<Long, List<LocalSnapshotReport>> e : byId.entrySet()) {
          long total = 0;
          Set<Integer> nodes = new TreeSet<>();
          Set<String> channels = new TreeSet<>();
          for (LocalSnapshotReport r : e.getValue()) {
            nodes.add(r.getNodeId());
            for (AccountBalance b : r.getBalances()) {
              assertTrue(b.getBalance() >= 0, "no negative balance");
              total += b.getBalance();
            }
            assertEquals(n - 1, r.getChannels().size());
            for (ChannelState c : r.getChannels()) {
              channels.add(c.getFromNode() + ">" + c.getToNode());
              total += c.getSum();
              int receiver = c.getToNode();
              List<ChannelRangeReader.InFlight> listed =
                  reader
                      .read(
                          new Lane(c.getFromNode(), c.getLane()),
                          receiver,
                          c.getFirstOffset(),
                          c.getMarkerOffset(),
                          c.getSeqBefore(),
                          c.getColourBelow(),
                          a -> accounts.owns(receiver, a),
                          new ChannelRule.Epochs(r.getIncarnation(), r.getEpoch()),
                          Duration.ofSeconds(30))
                      .transfers();
              assertEquals(
                  c.getCount(),
                  listed.size(),
                  "count of channel " + c + " in snapshot " + e.getKey());
              assertEquals(
                  c.getSum(),
                  listed.stream().mapToLong(ChannelRangeReader.InFlight::amount).sum(),
                  "sum of channel " + c + " in snapshot " + e.getKey());
              inFlightSeen += c.getCount();
            }
          }
          assertEquals(n, nodes.size(), "snapshot " + e.getKey() + " has a report from every node");
          assertEquals(n * (n - 1), channels.size(), "every channel covered once");
          assertEquals(
              bank.genesis.getTotal(), total, "snapshot " + e.getKey() + " conserves the total");
        }
      }
      assertTrue(inFlightSeen > 0, "under load some snapshots must record money in flight");
      // the simulator's invariants hold on what Kafka holds
      BankObservation history =
          KafkaObservation.read(bank.bootstrap, bank.topics, bank.genesis, Duration.ofSeconds(60));
      assertEquals(snapshots, history.snapshots().size());
      Invariants.assertHold(
          Invariants.all(), history, "bank '" + prefix + "' read back from Kafka");
    }
  }
}
