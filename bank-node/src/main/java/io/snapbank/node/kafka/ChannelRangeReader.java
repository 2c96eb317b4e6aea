package io.snapbank.node.kafka;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.core.ChannelRange;
import io.snapbank.node.core.ChannelReplay;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.RangeSource;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.serde.DecodeFailure;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads recorded channel ranges back from the log (read_committed): the channel state is kept as a
 * range, and the log keeps the messages. As a {@link RangeSource} it hands a node's core the raw
 * records of a range (a restore replays them); {@link #read(int, int, long, long, long, Predicate,
 * ChannelRule.Epochs, Duration)} lists the transfers the receiver accepted, replaying the range
 * through the receiver's own rule ({@link ChannelReplay}), for the deep audit. Not thread-safe;
 * close it after use.
 */
public final class ChannelRangeReader implements RangeSource, AutoCloseable {
  /** One transfer found in a range. */
  public record InFlight(
      int from,
      int to,
      long offset,
      long seq,
      String transferId,
      String fromAccount,
      String toAccount,
      long amount,
      long sentAtMs) {}

  /**
   * What a range holds: its accepted transfers, what the replay found wrong, and the records this
   * release cannot read because their writer schema is neither its own nor in the bank's schema
   * store ({@code "offset N: reason"}; garbage that no release could read is not among them).
   */
  public record Range(
      List<InFlight> transfers,
      long count,
      long sum,
      List<String> problems,
      List<String> unreadable) {
    public Range {
      transfers = List.copyOf(transfers);
      problems = List.copyOf(problems);
      unreadable = List.copyOf(unreadable);
    }
  }

  /** The range cannot be read: gone from the log (retention) or not readable in time. */
  public static final class RangeUnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RangeUnreadableException(String message) {
      super(message);
    }
  }

  /** Default time allowed to read one range. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final BankTopics topics;
  private final PartitionScanner scanner;
  private final Duration timeout;

  public ChannelRangeReader(String bootstrap, BankTopics topics) {
    this(bootstrap, topics, Map.of());
  }

  public ChannelRangeReader(String bootstrap, BankTopics topics, Map<String, String> overrides) {
    this(bootstrap, topics, overrides, DEFAULT_TIMEOUT);
  }

  public ChannelRangeReader(
      String bootstrap, BankTopics topics, Map<String, String> overrides, Duration timeout) {
    this.topics = topics;
    this.scanner = new PartitionScanner(bootstrap, overrides);
    this.timeout = timeout;
  }

  @Override
  public Optional<String> read(ChannelRange range, Sink sink) {
    try {
      scan(
          range.fromLane(),
          range.to(),
          range.firstOffset(),
          range.markerOffset(),
          timeout,
          sink,
          new ArrayList<>());
      return Optional.empty();
    } catch (RangeUnreadableException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The accepted transfers of lane {@code from}→{@code to} at offsets [{@code first}, {@code end}),
   * in order, judged as the receiver judged them: {@code seqBefore} is the receiver's last accepted
   * sequence number before {@code first} (negative when unknown), {@code colourBelow} is -1 or
   * (unordered channels) the colour the transfers of the state are below, {@code receiverOwns}
   * tells its accounts and {@code at} where it stood in the epoch log. Throws {@link
   * RangeUnreadableException} when the range is no longer in the log or cannot be read within
   * {@code timeout}.
   */
  public Range read(
      Lane from,
      int to,
      long first,
      long end,
      long seqBefore,
      long colourBelow,
      Predicate<String> receiverOwns,
      ChannelRule.Epochs at,
      Duration timeout) {
    List<InFlight> out = new ArrayList<>();
    ChannelReplay replay =
        new ChannelReplay(
            from,
            to,
            seqBefore,
            colourBelow,
            receiverOwns,
            at,
            a ->
                out.add(
                    new InFlight(
                        from.node(),
                        to,
                        a.offset(),
                        a.seq(),
                        a.transfer().transferId(),
                        a.transfer().fromAccount(),
                        a.transfer().toAccount(),
                        a.transfer().amount(),
                        a.transfer().sentAtMs())));
    List<String> unreadable = new ArrayList<>();
    scan(
        from,
        to,
        first,
        end,
        timeout,
        new Sink() {
          @Override
          public void record(long offset, io.snapbank.node.core.ChannelMessage message) {
            replay.offer(offset, message);
          }

          @Override
          public void undecodable(long offset) {
            replay.undecodable();
          }
        },
        unreadable);
    return new Range(out, replay.count(), replay.sum(), replay.problems(), unreadable);
  }

  private void scan(
      Lane from,
      int to,
      long first,
      long end,
      Duration timeout,
      Sink sink,
      List<String> unreadable) {
    if (first < 0 || first >= end) {
      return;
    }
    String range = "range [" + first + ", " + end + ") of channel " + from.label() + "->" + to;
    TopicPartition tp =
        new TopicPartition(
            topics.transfers(from.node()).name(), topics.channelPartition(to, from.index()));
    Topic<String, ChannelRecord> topic = topics.transfers(from.node());
    try {
      long logStart = scanner.start(tp, timeout);
      if (logStart > first) {
        throw new RangeUnreadableException(
            range + " is gone: the log now starts at offset " + logStart);
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
              if (e.failure() == DecodeFailure.UNKNOWN_SCHEMA) {
                unreadable.add("offset " + r.offset() + ": " + e.getMessage());
              }
              rec = null;
            }
            if (rec == null) {
              sink.undecodable(r.offset());
            } else {
              sink.record(r.offset(), ChannelCodec.toMessage(rec));
            }
          });
    } catch (PartitionScanner.ScanIncompleteException e) {
      throw new RangeUnreadableException(range + " not readable: " + e.getMessage());
    } catch (KafkaException e) {
      throw new RangeUnreadableException(range + " cannot be read: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    scanner.close();
  }
}
