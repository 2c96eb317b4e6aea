package io.snapbank.node.kafka;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Lists the transfers of a recorded channel state by re-reading its offset range from the log,
 * read_committed: the channel state is kept as a range, and the log keeps the messages. Records a
 * node would have quarantined (undecodable, wrong sender or receiver, non-positive amount) are
 * skipped, as are markers. Not thread-safe; close it after use.
 */
public final class ChannelRangeReader implements AutoCloseable {
  /** One transfer found in a range. */
  public record InFlight(int from, int to, long offset, long seq, String transferId, long amount) {}

  private final BankTopics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;

  public ChannelRangeReader(String bootstrap, BankTopics topics) {
    this.topics = topics;
    this.consumer = KafkaClients.committedReader(bootstrap, null, Map.of());
  }

  /**
   * Transfers of channel {@code from}→{@code to} at offsets [{@code first}, {@code end}), in order.
   */
  public List<InFlight> read(int from, int to, long first, long end, Duration timeout) {
    List<InFlight> out = new ArrayList<>();
    if (first >= end) {
      return out;
    }
    TopicPartition tp = new TopicPartition(topics.transfers(from).name(), to);
    consumer.assign(List.of(tp));
    consumer.seek(tp, first);
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (consumer.position(tp) < end) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "timed out reading " + tp + " [" + first + ", " + end + ")");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() >= end) {
          break;
        }
        ChannelRecord rec;
        try {
          rec =
              topics.transfers(from).valueSerde().deserializer().deserialize(tp.topic(), r.value());
        } catch (RecordDecodingException e) {
          continue;
        }
        if (rec != null
            && rec.getBody() instanceof Transfer t
            && rec.getSender() == from
            && rec.getReceiver() == to
            && t.getAmount() > 0) {
          out.add(
              new InFlight(from, to, r.offset(), rec.getSeq(), t.getTransferId(), t.getAmount()));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
