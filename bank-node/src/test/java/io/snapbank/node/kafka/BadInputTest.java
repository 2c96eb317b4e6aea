package io.snapbank.node.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.Transfer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class BadInputTest {

  private static ChannelRecord transfer(
      int sender, int receiver, long seq, String to, long amount) {
    return new ChannelRecord(
        sender,
        receiver,
        seq,
        new Transfer("t-" + seq + "-" + amount, "n0-a000", to, amount, 0L),
        0L,
        false,
        0,
        -1L,
        -1L,
        0L);
  }

  @Test
  void
      when_bad_records_arrive_on_a_channel_then_each_is_quarantined_with_its_reason_and_balances_are_unaffected()
          throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "bad", 3, 2, 1_000)) {
      BankNode receiver =
          bank.start(bank.config(1, 0)); // node 0 does not run: the test writes its channel 0->1
      var channel = bank.topics.transfers(0);
      bank.writeRaw(
          channel.name(), 1, "garbage", "not avro at all".getBytes(StandardCharsets.UTF_8));
      // single-object encoding whose writer schema no release registered
      byte[] unknown = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 2, 4};
      bank.writeRaw(channel.name(), 1, "unknown-schema", unknown);
      bank.write(channel, 1, "ok1", transfer(0, 1, 1, "n1-a000", 50));
      bank.write(channel, 1, "dup", transfer(0, 1, 1, "n1-a000", 50));
      bank.write(channel, 1, "neg", transfer(0, 1, 2, "n1-a000", -5));
      bank.write(channel, 1, "zero", transfer(0, 1, 2, "n1-a000", 0));
      bank.write(channel, 1, "acct", transfer(0, 1, 2, "n2-a000", 10));
      bank.write(channel, 1, "sender", transfer(2, 1, 2, "n1-a000", 10));
      bank.write(channel, 1, "receiver", transfer(0, 2, 2, "n1-a000", 10));
      bank.write(channel, 1, "ok2", transfer(0, 1, 2, "n1-a001", 7));

      List<QuarantineEnvelope> q = bank.quarantine(8, Duration.ofSeconds(30));
      assertEquals(
          List.of(
              "UNDECODABLE",
              "UNDECODABLE",
              "DUPLICATE_SEQUENCE",
              "NON_POSITIVE_AMOUNT",
              "NON_POSITIVE_AMOUNT",
              "UNKNOWN_ACCOUNT",
              "WRONG_SENDER",
              "WRONG_RECEIVER"),
          q.stream().map(QuarantineEnvelope::getReason).toList());
      assertTrue(
          q.get(1).getDetail().contains("UNKNOWN_SCHEMA"),
          "an unknown writer schema is named: " + q.get(1).getDetail());
      for (int i = 0; i < q.size(); i++) {
        QuarantineEnvelope e = q.get(i);
        assertEquals(channel.name(), e.getSourceTopic());
        assertEquals(1, e.getSourcePartition());
        assertTrue(e.getValue() != null && e.getValue().remaining() > 0, "original bytes kept");
        assertTrue(!e.getDetail().isEmpty(), "a reason detail is given");
      }
      assertEquals(
          List.of(0L, 1L, 3L, 4L, 5L, 6L, 7L, 8L),
          q.stream().map(QuarantineEnvelope::getSourceOffset).toList());

      // balances: only the two valid transfers were credited
      Map<String, Long> balances = new TreeMap<>();
      bank.readUntil(
          bank.topics.balances(),
          1,
          v -> {
            balances.clear();
            v.forEach(b -> balances.put(b.getAccount(), b.getBalance()));
            return balances.getOrDefault("n1-a000", 0L) == 1_050
                && balances.getOrDefault("n1-a001", 0L) == 1_007;
          },
          Duration.ofSeconds(30));
      assertEquals(Map.of("n1-a000", 1_050L, "n1-a001", 1_007L), balances);
      assertTrue(receiver.failure().isEmpty(), "bad records do not stop the node");

      // a sequence gap is a broken FIFO channel: quarantined, and the node stops with a clear error
      bank.write(channel, 1, "gap", transfer(0, 1, 5, "n1-a000", 1));
      assertTrue(receiver.awaitStopped(Duration.ofSeconds(30)), "node stops on a gap");
      String failure = receiver.failure().orElse("");
      assertTrue(
          failure.contains("FIFO violation on channel 0->1")
              && failure.contains("expected seq 3, got 5"),
          failure);
      List<QuarantineEnvelope> after = bank.quarantine(9, Duration.ofSeconds(30));
      assertEquals("SEQUENCE_GAP", after.get(8).getReason());
      List<ConsumerRecord<byte[], BalanceChange>> changes =
          bank.readUntil(bank.topics.balances(), 1, v -> false, Duration.ofSeconds(1));
      long n1a000 =
          changes.stream()
              .filter(c -> c.value().getAccount().equals("n1-a000"))
              .mapToLong(c -> c.value().getBalance())
              .reduce((a, b) -> b)
              .orElseThrow();
      assertEquals(1_050, n1a000, "the gap record was not credited");
    }
  }
}
