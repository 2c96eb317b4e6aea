package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapbank why} and {@code snapbank diff} against running banks on a real broker. */
class WhyDiffTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static CliTest.Run cli(String command, String prefix, String... args) {
    String[] base = {command, "--bootstrap", SharedBroker.bootstrap(), "--prefix", prefix};
    String[] all = new String[base.length + args.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(args, 0, all, base.length, args.length);
    return CliTest.run(all);
  }

  private static void assertOneLineError(CliTest.Run r, String start) {
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: " + start), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void when_two_cuts_of_a_running_bank_are_compared_then_the_channel_logs_explain_every_change(
      @TempDir Path tmp) throws Exception {
    String prefix = "whydiff-a";
    try (AuditedBank bank =
        new AuditedBank(SharedBroker.bootstrap(), prefix, 3, tmp).startNodes(3, 200)) {
      AuditReport a = bank.consistent();
      AuditReport b = bank.consistent();
      String ida = Long.toString(a.getSnapshotId());
      String idb = Long.toString(b.getSnapshotId());
      CliTest.Run text = cli("diff", prefix, ida, idb);
      assertEquals(0, text.code(), text.out() + text.err());
      assertTrue(text.out().contains("check: adds up"), text.out());
      assertTrue(text.out().contains("money sent between the cuts"), text.out());
      CliTest.Run json = cli("diff", prefix, ida, idb, "--json");
      assertEquals(0, json.code(), json.err());
      JsonNode d = new ObjectMapper().readTree(json.out());
      assertTrue(d.get("addsUp").asBoolean(), json.out());
      assertEquals(6, d.get("channels").size(), "every channel of 3 nodes");
      long sent = 0;
      long nodesChange = 0;
      for (JsonNode c : d.get("channels")) {
        assertTrue(c.get("addsUp").asBoolean(), c.toString());
        sent += c.get("sent").asLong();
      }
      for (JsonNode n : d.get("nodes")) {
        nodesChange += n.get("change").asLong();
      }
      assertTrue(sent > 0, "money moved between the cuts: " + json.out());
      assertEquals(
          a.getInFlightTotal() - b.getInFlightTotal(),
          nodesChange,
          "the balances changed by what left or joined the channels");
      assertEquals(
          b.getBalancesTotal() - a.getBalancesTotal(),
          d.get("totals").get("balancesChange").asLong());

      assertOneLineError(cli("diff", prefix, idb, ida), "snapshot " + idb + " was taken after");
      assertOneLineError(
          cli("diff", prefix, ida, "999999"), "bank '" + prefix + "' has no audit report");
      assertOneLineError(cli("diff", prefix, ida, ida), "give two different snapshots");
      assertOneLineError(cli("diff", "whydiff-none", ida, idb), "topic whydiff-none.");

      CliTest.Run why = cli("why", prefix, ida);
      assertEquals(0, why.code(), why.err());
      assertTrue(why.out().contains("cause: snapshot " + ida + " is complete"), why.out());
      assertOneLineError(cli("why", prefix, "999999"), "bank '" + prefix + "' has no snapshot");
      assertEquals(2, cli("why", prefix, "abc").code(), "a malformed id is a usage error");
    }
  }

  @Test
  void when_a_member_is_down_then_why_names_it_while_pending_and_after_the_abort(@TempDir Path tmp)
      throws Exception {
    String prefix = "whydiff-b";
    try (AuditedBank bank =
        new AuditedBank(
                SharedBroker.bootstrap(),
                io.snapbank.schemas.topic.BankTopics.of(prefix),
                3,
                tmp,
                c -> c.withTimeout(Duration.ofSeconds(12)))
            .startNodes(2, 100)) {
      long id = bank.request();
      CliTest.Run pending = cli("why", prefix, Long.toString(id));
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (!(pending.out().contains("node 0: recorded")
              && pending.out().contains("node 1: recorded"))
          && System.currentTimeMillis() < deadline) {
        pending = cli("why", prefix, Long.toString(id));
      }
      assertEquals(0, pending.code(), pending.err());
      assertTrue(pending.out().startsWith("snapshot " + id + " PENDING in epoch 0"), pending.out());
      assertTrue(
          pending.out().contains("node 2: not recorded, not reported; never committed"),
          pending.out());
      assertTrue(
          pending.out().contains("cause: node 2 has never committed: it is down or stuck"),
          pending.out());
      JsonNode j =
          new ObjectMapper().readTree(cli("why", prefix, Long.toString(id), "--json").out());
      assertEquals("NODE_DOWN", j.get("cause").asText());
      assertEquals(6, j.get("channels").size());

      bank.await(id, r -> r.getStatus() == AuditStatus.ABORTED, WAIT);
      CliTest.Run aborted = cli("why", prefix, Long.toString(id));
      assertEquals(0, aborted.code(), aborted.err());
      assertTrue(
          aborted.out().startsWith("snapshot " + id + " ABORTED (TIMED_OUT)"), aborted.out());
      assertTrue(aborted.out().contains("cause: node 2 has never committed"), aborted.out());
    }
  }

  @Test
  void when_an_open_transaction_holds_a_channel_before_the_marker_then_why_says_so(
      @TempDir Path tmp) throws Exception {
    String prefix = "whydiff-c";
    try (AuditedBank bank =
            new AuditedBank(
                    SharedBroker.bootstrap(),
                    io.snapbank.schemas.topic.BankTopics.of(prefix),
                    2,
                    tmp,
                    c -> c.withTimeout(Duration.ofSeconds(60)))
                .startNodes(2, 100);
        KafkaProducer<byte[], byte[]> stray =
            KafkaClients.transactionalProducer(
                SharedBroker.bootstrap(), prefix + "-stray", Map.of())) {
      bank.consistent();
      stray.initTransactions();
      stray.beginTransaction();
      stray
          .send(
              new ProducerRecord<>(
                  prefix + ".transfers.0",
                  1,
                  "stray".getBytes(StandardCharsets.UTF_8),
                  "not committed".getBytes(StandardCharsets.UTF_8)))
          .get();
      long id = bank.request();
      String out = "";
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (!out.contains("cause: an open transaction") && System.currentTimeMillis() < deadline) {
        out = cli("why", prefix, Long.toString(id)).out();
      }
      assertTrue(out.contains("cause: an open transaction holds channel 0->1 at offset"), out);
      assertTrue(out.contains("channel 0->1: open at node 1, no marker in the committed log"), out);
      assertTrue(out.contains("open transaction: last stable offset"), out);
      stray.abortTransaction();
      AuditReport done = bank.await(id, r -> true, WAIT);
      assertEquals(AuditStatus.CONSISTENT, done.getStatus(), "once the transaction ends");
    }
  }
}
