package io.snapbank.node.kafka;

import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The epoch log's single writer: a transactional producer with the id {@code <prefix>-epochs}, so a
 * second writer fences the first. An entry is written only on top of the log as read after fencing,
 * so two operators can never both write epoch E. The writer schemas are registered in the bank's
 * schema store first.
 */
public final class EpochLogWriter {
  private EpochLogWriter() {}

  /**
   * Fences every other writer, reads the log, and writes the entry {@code next} makes of it (it is
   * given the history as read, and throws when the change no longer fits it); returns the entry.
   */
  public static BankEpoch append(
      String bootstrap,
      Map<String, String> overrides,
      BankTopics topics,
      BankGenesis genesis,
      Function<EpochHistory, BankEpoch> next) {
    new SchemaRegistry(bootstrap, overrides, topics).registerWriters("epochs", List.of());
    try (KafkaProducer<byte[], byte[]> p =
            KafkaClients.transactionalProducer(bootstrap, topics.prefix() + "-epochs", overrides);
        BankReader reader = new BankReader(bootstrap, overrides, topics)) {
      p.initTransactions();
      EpochHistory history = reader.epochs(genesis);
      BankEpoch e = next.apply(history);
      if (e.getEpoch() != history.current() + 1) {
        throw new IllegalStateException(
            "epoch " + e.getEpoch() + " does not follow the log's epoch " + history.current());
      }
      p.beginTransaction();
      p.send(
          new ProducerRecord<>(
              topics.epochs().name(),
              0,
              Long.toString(e.getEpoch()).getBytes(StandardCharsets.UTF_8),
              topics.epochs().encode(e)));
      p.commitTransaction();
      return e;
    }
  }
}
