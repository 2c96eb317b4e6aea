package io.snapbank.cli;

import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Node heap with a snapshot held open while many transfers are in flight on its channel. */
final class BenchMemory {
  private final BenchContext ctx;
  private final BenchContext.Options o;
  private final PrintStream out;
  private final List<BenchContext.Row> rows = new ArrayList<>();

  BenchMemory(BenchContext ctx) {
    this.ctx = ctx;
    this.o = ctx.o;
    this.out = ctx.out;
  }

  // 4. Node heap with a snapshot held open while many transfers are in flight on its channel.
  List<BenchContext.Row> run() throws Exception {
    BankTopics topics = ctx.bank("mem", 2, 2, 1_000L);
    String prefix = topics.prefix();
    out.printf(
        "[5/10] memory: node 1 credits %,d transfers, then %,d more inside an open snapshot...%n",
        o.inFlight(), o.inFlight());
    LocalBank bank = new LocalBank(topics);
    BankNode receiver =
        bank.startAndAwait(ctx.config(prefix, 1, 0, 1, 0, 1), Duration.ofSeconds(60));
    long seq = 0;
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.producer(o.bootstrap(), settings(o.client()))) {
      seq =
          writeTransfers(p, topics, seq, o.inFlight()); // node 0's channel, written as node 0 would
      BenchContext.awaitCondition(
          () -> receiver.stats().credits() >= o.inFlight(), Duration.ofMinutes(5));
      long baseline = BenchContext.heapAfterGc();
      // node 1 initiates; node 0 is not running, so its marker never comes and the snapshot stays
      // open
      p.send(
          new ProducerRecord<>(
              topics.snapshotRequests().name(),
              0,
              "1".getBytes(StandardCharsets.UTF_8),
              topics
                  .snapshotRequests()
                  .encode(
                      SnapshotRequest.newBuilder()
                          .setSnapshotId(1L)
                          .setInitiators(List.of(1))
                          .setRequestedAtMs(System.currentTimeMillis())
                          .setRequestedBy("bench")
                          .build())));
      p.flush();
      Thread.sleep(500);
      writeTransfers(p, topics, seq, o.inFlight());
      BenchContext.awaitCondition(
          () -> receiver.stats().credits() >= 2 * o.inFlight(), Duration.ofMinutes(5));
      long open = BenchContext.heapAfterGc();
      rows.add(
          new BenchContext.Row(
              "node heap, snapshot open over "
                  + BenchContext.fmt(o.inFlight())
                  + " in-flight transfers",
              String.format("%+.1f MB", (open - baseline) / 1e6),
              "<= 16 MB extra",
              "vs. the same traffic with no snapshot open (whole-JVM heap after GC)"));
    } finally {
      bank.stopAll();
    }
    return rows;
  }

  private static long writeTransfers(
      KafkaProducer<byte[], byte[]> p, BankTopics topics, long seq, long count) {
    String topic = topics.transfers(0).name();
    long now = System.currentTimeMillis();
    for (long i = 0; i < count; i++) {
      seq++;
      ChannelRecord r =
          new ChannelRecord(
              0,
              1,
              seq,
              new Transfer("0-" + seq, "n0-a000", "n1-a000", 1L, now),
              0L,
              false,
              0,
              -1L,
              -1L,
              0L);
      p.send(new ProducerRecord<>(topic, 1, null, topics.transfers(0).encode(r)));
    }
    p.flush();
    return seq;
  }

  /** The client settings plus batching for a bulk write. */
  private static Map<String, String> settings(Map<String, String> client) {
    Map<String, String> m = new java.util.HashMap<>(client);
    m.put("linger.ms", "20");
    m.put("batch.size", "262144");
    return m;
  }
}
