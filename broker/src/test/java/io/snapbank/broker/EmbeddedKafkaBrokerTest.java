package io.snapbank.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  void
      when_transactions_commit_and_abort_then_read_committed_sees_only_committed_and_data_survives_restart(
          @TempDir Path dir) throws Exception {
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin
            .createTopics(List.of(new NewTopic("t", Optional.of(4), Optional.empty())))
            .all()
            .get();
      }
      try (KafkaProducer<String, String> p =
              new KafkaProducer<>(
                  Map.of("bootstrap.servers", bootstrap, "transactional.id", "tx-1"),
                  new StringSerializer(),
                  new StringSerializer());
          KafkaConsumer<String, String> group =
              new KafkaConsumer<>(
                  Map.of(
                      "bootstrap.servers",
                      bootstrap,
                      "group.id",
                      "g",
                      "enable.auto.commit",
                      "false"),
                  new StringDeserializer(),
                  new StringDeserializer())) {
        p.initTransactions();
        p.beginTransaction();
        p.send(new ProducerRecord<>("t", 0, "k", "committed-0"));
        p.send(new ProducerRecord<>("t", 1, "k", "committed-1"));
        p.sendOffsetsToTransaction(Map.of(p0, new OffsetAndMetadata(42)), group.groupMetadata());
        p.commitTransaction();
        p.beginTransaction();
        p.send(new ProducerRecord<>("t", 0, "k", "aborted"));
        p.flush();
        p.abortTransaction();
      }
      assertEquals(List.of("committed-0"), CommittedRecords.read(bootstrap, p0));
      assertEquals(List.of("committed-1"), CommittedRecords.read(bootstrap, p1));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        assertEquals(
            42,
            admin
                .listConsumerGroupOffsets("g")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(p0)
                .offset());
      }
    }
    try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(dir).start()) {
      assertEquals(List.of("committed-0"), CommittedRecords.read(again.bootstrapServers(), p0));
    }
  }
}
