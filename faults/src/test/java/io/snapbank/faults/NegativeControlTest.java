package io.snapbank.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class NegativeControlTest {

  @Test
  void when_a_committed_transfer_is_forged_a_second_time_then_the_checker_fails_naming_it()
      throws Exception {
    FaultSettings settings =
        FaultSettings.fromSystemProperties().withDuration(Duration.ofSeconds(8));
    try (FaultRun run = new FaultRun(settings, System.out)) {
      run.start();
      run.inject(new FaultSchedule(settings.seed(), List.of()));
      try (LogReader reader =
          new LogReader(run.bootstrap(), FaultRun.PREFIX, new AvroFiles(settings.schemaDir()))) {
        assertEquals(null, run.quiesce(reader));
        long finalSnapshot = run.finalSnapshots().get(run.finalSnapshots().size() - 1);
        Verdict clean = new BankChecker(reader).check(finalSnapshot);
        System.out.println("before the forgery: " + clean.line() + " " + clean.failures());
        assertTrue(clean.passed(), clean.line());

        TopicPartition channel = new TopicPartition(FaultRun.PREFIX + ".transfers.0", 1);
        ConsumerRecord<byte[], byte[]> original = firstTransfer(run.bootstrap(), channel);
        String id = new String(original.key(), StandardCharsets.UTF_8);
        forge(run.bootstrap(), channel, original);

        Verdict forged = new BankChecker(reader).check(finalSnapshot);
        System.out.println("after the forgery: " + forged.line());
        assertFalse(forged.passed());
        assertTrue(
            forged.failures().get(0).startsWith("transfer id " + id + " committed twice: "),
            forged.line());
        assertTrue(forged.failures().get(0).contains("@" + original.offset() + " and "));
      }
    }
  }

  /** The first committed record of {@code tp} keyed by a transfer id (not a marker). */
  private static ConsumerRecord<byte[], byte[]> firstTransfer(String bootstrap, TopicPartition tp) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (!new String(r.key(), StandardCharsets.UTF_8).startsWith("marker-")) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no transfer on " + tp);
  }

  /**
   * Writes a byte-for-byte copy of {@code original} to its partition in a committed transaction.
   */
  private static void forge(
      String bootstrap, TopicPartition tp, ConsumerRecord<byte[], byte[]> original) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "forger");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(tp.topic(), tp.partition(), original.key(), original.value()));
      producer.commitTransaction();
    }
  }
}
