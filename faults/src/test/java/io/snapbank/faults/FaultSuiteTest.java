package io.snapbank.faults;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One fault run ({@link FaultSettings}: about 60 s with one fault of each kind unless the system
 * properties say otherwise), its verdict, then the negative control on the same cluster: a
 * committed transfer written a second time must make the checker fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
  private FaultSuite suite;
  private Verdict verdict;

  @BeforeAll
  void runTheSuite() throws Exception {
    suite = FaultSuite.run(FaultSettings.fromSystemProperties(), System.out);
    verdict = suite.verdict();
  }

  @AfterAll
  void stopTheCluster() throws Exception {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void when_every_fault_kind_hits_a_bank_under_load_then_its_logs_pass_every_check() {
    assertTrue(verdict.passed(), verdict.line());
  }

  @Test
  @Order(2)
  void when_a_committed_transfer_is_forged_a_second_time_then_the_checker_fails_naming_it()
      throws Exception {
    TopicPartition channel = new TopicPartition(FaultRun.PREFIX + ".transfers.0", 1);
    ConsumerRecord<byte[], byte[]> original = firstTransfer(suite.bootstrap(), channel);
    String id = new String(original.key(), StandardCharsets.UTF_8);
    forge(suite.bootstrap(), channel, original);

    Verdict forged = suite.recheck();
    System.out.println("after the forgery: " + forged.line());
    assertFalse(forged.passed());
    List<String> duplicates =
        forged.failures().stream()
            .filter(f -> f.startsWith("transfer id " + id + " committed twice: "))
            .toList();
    assertTrue(duplicates.size() == 1, forged.line());
    assertTrue(duplicates.get(0).contains("@" + original.offset() + " and "), forged.line());
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
