package io.snapbank.schemas.kafka;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Transfer;
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

  /** The range cannot be read: gone from the log (retention) or not readable in time. */
  public static final class RangeUnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RangeUnreadableException(String message) {
      super(message);
    }
  }

  private final BankTopics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;

  public ChannelRangeReader(String bootstrap, BankTopics topics) {
    this(bootstrap, topics, Map.of());
  }

  public ChannelRangeReader(String bootstrap, BankTopics topics, Map<String, String> overrides) {
    this.topics = topics;
    this.consumer = KafkaClients.committedReader(bootstrap, null, overrides);
  }

  /**
   * Transfers of channel {@code from}→{@code to} at offsets [{@code first}, {@code end}), in order;
   * throws {@link RangeUnreadableException} when the range is no longer in the log or cannot be
   * read within {@code timeout}.
   */
  public List<InFlight> read(int from, int to, long first, long end, Duration timeout) {
    List<InFlight> out = new ArrayList<>();
    if (first < 0 || first >= end) {
      return out;
    }
    String range = "[" + first + ", " + end + ")";
    TopicPartition tp = new TopicPartition(topics.transfers(from).name(), to);
    consumer.assign(List.of(tp));
    Long logStart = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
    if (logStart != null && logStart > first) {
      throw new RangeUnreadableException(
          "range " + range + " is gone: the log now starts at offset " + logStart);
    }
    consumer.seek(tp, first);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp, timeout) < end) {
      if (System.nanoTime() > deadline) {
        throw new RangeUnreadableException(
            "range "
                + range
                + " not readable within "
                + timeout.toMillis()
                + " ms (read up to offset "
                + consumer.position(tp)
                + ")");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100)).records(tp)) {
        if (r.offset() < first || r.offset() >= end) {
          continue;
        }
        ChannelRecord rec;
        try {
          rec = topics.transfers(from).decode(r.value());
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
