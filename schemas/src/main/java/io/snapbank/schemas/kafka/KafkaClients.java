package io.snapbank.schemas.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client settings shared by bank nodes, the auditor and tools. Keys and values are raw bytes.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /** Transactional, idempotent producer (per-partition order is what makes a partition FIFO). */
  public static KafkaProducer<byte[], byte[]> transactionalProducer(
      String bootstrap, String transactionalId, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
    p.putAll(overrides);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Plain producer for one-off writes (requests, init, tests). */
  public static KafkaProducer<byte[], byte[]> producer(
      String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putAll(overrides);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Consumer reading only committed data, never committing on its own. {@code groupId} may be null
   * for a reader that commits nothing.
   */
  public static KafkaConsumer<byte[], byte[]> committedReader(
      String bootstrap, String groupId, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // A consumer has one fetch in flight per broker, and it leaves out the partitions whose
      // records it still holds; so while a node works through buffered channel records, its fetch
      // carries only the quiet ones (requests, aborts, epoch log) and the broker may hold it for
      // fetch.max.wait.ms (500 ms by default) before the channels can be fetched again.
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    } else {
      // a scan of a known range: do not let the broker hold an empty fetch
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    }
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.putAll(overrides);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
