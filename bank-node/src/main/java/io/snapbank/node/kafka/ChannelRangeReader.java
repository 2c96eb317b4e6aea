package io.snapbank.node.kafka;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.core.ChannelReplay;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Lists the transfers of a recorded channel state by re-reading its offset range from the log
 * (read_committed) and replaying it through the receiver's own acceptance rule ({@link
 * ChannelReplay}): the channel state is kept as a range, and the log keeps the messages. Records
 * the receiver set aside (undecodable, wrong sender or receiver, non-positive amount, an account it
 * does not own, a repeated sequence number) are skipped, as are markers. Not thread-safe; close it
 * after use.
 */
public final class ChannelRangeReader implements AutoCloseable {
  /** One transfer found in a range. */
  public record InFlight(int from, int to, long offset, long seq, String transferId, long amount) {}

  /** What a range holds: its accepted transfers and what the replay found wrong. */
  public record Range(List<InFlight> transfers, long count, long sum, List<String> problems) {
    public Range {
      transfers = List.copyOf(transfers);
      problems = List.copyOf(problems);
    }
  }

  /** The range cannot be read: gone from the log (retention) or not readable in time. */
  public static final class RangeUnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RangeUnreadableException(String message) {
      super(message);
    }
  }

  private final BankTopics topics;
  private final PartitionScanner scanner;

  public ChannelRangeReader(String bootstrap, BankTopics topics) {
    this(bootstrap, topics, Map.of());
  }

  public ChannelRangeReader(String bootstrap, BankTopics topics, Map<String, String> overrides) {
    this.topics = topics;
    this.scanner = new PartitionScanner(bootstrap, overrides);
  }

  /**
   * The accepted transfers of channel {@code from}→{@code to} at offsets [{@code first}, {@code
   * end}), in order, judged as the receiver judged them: {@code seqBefore} is the receiver's last
   * accepted sequence number before {@code first} (negative when unknown) and {@code receiverOwns}
   * tells its accounts. Throws {@link RangeUnreadableException} when the range is no longer in the
   * log or cannot be read within {@code timeout}.
   */
  public Range read(
      int from,
      int to,
      long first,
      long end,
      long seqBefore,
      Predicate<String> receiverOwns,
      Duration timeout) {
    List<InFlight> out = new ArrayList<>();
    ChannelReplay replay =
        new ChannelReplay(
            from,
            to,
            seqBefore,
            receiverOwns,
            a ->
                out.add(
                    new InFlight(
                        from,
                        to,
                        a.offset(),
                        a.seq(),
                        a.transfer().transferId(),
                        a.transfer().amount())));
    if (first < 0 || first >= end) {
      return new Range(out, 0, 0, List.of());
    }
    String range = "[" + first + ", " + end + ")";
    TopicPartition tp = new TopicPartition(topics.transfers(from).name(), to);
    Topic<String, ChannelRecord> topic = topics.transfers(from);
    try {
      long logStart = scanner.start(tp, timeout);
      if (logStart > first) {
        throw new RangeUnreadableException(
            "range " + range + " is gone: the log now starts at offset " + logStart);
      }
      scanner.scan(
          tp,
          first,
          end,
          timeout,
          r -> {
            ChannelRecord rec;
            try {
              rec = r.value() == null ? null : topic.decode(r.value());
            } catch (RecordDecodingException e) {
              rec = null;
            }
            if (rec == null) {
              replay.undecodable();
            } else {
              replay.offer(r.offset(), ChannelCodec.toMessage(rec));
            }
          });
    } catch (PartitionScanner.ScanIncompleteException e) {
      throw new RangeUnreadableException("range " + range + " not readable: " + e.getMessage());
    } catch (KafkaException e) {
      throw new RangeUnreadableException("range " + range + " cannot be read: " + e.getMessage());
    }
    return new Range(out, replay.count(), replay.sum(), replay.problems());
  }

  @Override
  public void close() {
    scanner.close();
  }
}
