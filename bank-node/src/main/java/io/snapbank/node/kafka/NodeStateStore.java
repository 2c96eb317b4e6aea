package io.snapbank.node.kafka;

import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a node's latest committed {@link NodeCheckpoint} from partition {@code nodeId} of the
 * node-state topic, scanning back from the end in growing windows (the topic is compacted, and only
 * committed records are read).
 */
final class NodeStateStore {
  private NodeStateStore() {}

  static Optional<NodeCheckpoint> latest(
      String bootstrap, BankTopics topics, int nodeId, Duration timeout) {
    TopicPartition tp = new TopicPartition(topics.nodeState().name(), nodeId);
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp), timeout).get(tp);
      long begin = c.beginningOffsets(List.of(tp), timeout).get(tp);
      long window = 64;
      long from = end;
      while (from > begin) {
        long start = Math.max(begin, from - window);
        c.seek(tp, start);
        byte[] last = null;
        while (c.position(tp) < from) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            if (r.offset() < from && r.value() != null) {
              last = r.value();
            }
          }
        }
        if (last != null) {
          return Optional.of(
              topics.nodeState().valueSerde().deserializer().deserialize(tp.topic(), last));
        }
        from = start;
        window *= 4;
      }
      return Optional.empty();
    }
  }
}
