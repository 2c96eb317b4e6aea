package io.snapbank.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.NodeStats;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Transfer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeMetersTest {
  private static ChannelRecord transfer(long seq, long amount) {
    return new ChannelRecord(
        0,
        1,
        seq,
        new Transfer("t-" + seq, "n0-a000", "n1-a000", amount, 0L),
        0L,
        false,
        0,
        -1L,
        -1L,
        0L);
  }

  private static double count(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void when_a_node_credits_and_quarantines_then_its_meters_count_what_it_committed_until_it_stops()
      throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "meters", 2, 2, 1_000);
        ProcessMeters process = new ProcessMeters("meters")) {
      MeterRegistry r = process.registry();
      BlockingQueue<NodeStats> committed = new ArrayBlockingQueue<>(10_000);
      bank.onStart(
          n -> {
            NodeMeters.bind(n, process);
            n.onStats(committed::offer);
          });
      BankNode node = bank.start(bank.config(1, 0)); // node 0 does not run: the test writes 0->1
      var channel = bank.topics.transfers(0);
      bank.writeRaw(channel.name(), 1, "garbage", "not avro".getBytes(StandardCharsets.UTF_8));
      bank.write(channel, 1, "ok", transfer(1, 50));
      bank.write(channel, 1, "dup", transfer(1, 50));
      bank.write(channel, 1, "neg", transfer(2, -5));

      NodeStats last = null;
      while (last == null || last.quarantinedTotal() < 3) {
        last = committed.poll(60, TimeUnit.SECONDS);
        assertTrue(last != null, "the node committed nothing more: " + node.stats());
      }
      String[] n1 = {"node", "1", "bank", "meters"};
      assertEquals(1, count(r, "snapbank.transfers.credited", n1));
      assertEquals(0, count(r, "snapbank.transfers.sent", n1));
      for (QuarantineReason reason : QuarantineReason.values()) {
        double expected =
            switch (reason) {
              case UNDECODABLE, DUPLICATE_SEQUENCE, NON_POSITIVE_AMOUNT -> 1;
              default -> 0;
            };
        assertEquals(
            expected,
            r.get("snapbank.transfers.quarantined")
                .tags(n1)
                .tag("reason", reason.name())
                .functionCounter()
                .count(),
            reason.name());
      }
      assertTrue(count(r, "snapbank.transactions.committed", n1) >= 1);
      assertEquals(0, count(r, "snapbank.transactions.aborted", n1));
      assertTrue(r.get("snapbank.commit.latency").tags(n1).timer().count() >= 1);
      assertEquals(0, r.get("snapbank.incoming.lag").tags(n1).tag("from", "0").gauge().value());
      assertTrue(
          !r.find("kafka.producer.record.send.total").tags(n1).functionCounters().isEmpty(),
          "the producer's Kafka meters are bound");

      bank.stop(node);
      assertTrue(node.awaitStopped(Duration.ofSeconds(30)));
      assertEquals(0, r.find("snapbank.transfers.credited").tags(n1).meters().size());
      assertEquals(0, r.find("kafka.producer.record.send.total").tags(n1).meters().size());
      assertTrue(!r.find("jvm.memory.used").meters().isEmpty(), "the process's meters stay");
    }
  }
}
