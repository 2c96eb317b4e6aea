package io.snapbank.auditor.app;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-reads every recorded channel range of a snapshot from the log and checks it against the
 * report. Channel i→j's in-flight transfers are the {@code Transfer} records at offsets
 * [firstOffset, markerOffset) of partition j of {@code <prefix>.transfers.<i>}, read with a plain
 * read_committed consumer (assign and seek; aborted transactions and control records are never
 * returned). Markers are skipped, and so are records the receiving node sets aside instead of
 * applying (undecodable, naming another sender or receiver, a non-positive amount).
 *
 * <p>{@link #audit} fills {@code AuditReport.deepAudit}: the listed transfers, and a
 * DEEP_AUDIT_MISMATCH problem for every channel whose listed count or sum differs from the reported
 * one (which makes the report a VIOLATION). A range that cannot be read (the log no longer holds
 * it, or it is not readable within the timeout) leaves the deep audit unverified with the reason,
 * without changing the status. Each call uses its own consumer; thread-safe.
 */
public final class DeepAuditor {
  /** Default time allowed to read one channel range. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final BankTopics topics;
  private final Duration readTimeout;

  public DeepAuditor(String bootstrapServers, BankTopics topics) {
    this(bootstrapServers, topics, DEFAULT_READ_TIMEOUT);
  }

  public DeepAuditor(String bootstrapServers, BankTopics topics, Duration readTimeout) {
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.readTimeout = readTimeout;
  }

  /** The report with its deep audit filled in; ABORTED reports are returned unchanged. */
  public AuditReport audit(AuditReport report) {
    if (report.getStatus() == AuditStatus.ABORTED) {
      return report;
    }
    List<InFlightTransfer> transfers = new ArrayList<>();
    List<UnreadableRange> unreadable = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.committedReader(
            bootstrapServers, null, Map.of("client.id", "deep-audit-" + report.getSnapshotId()))) {
      for (ChannelState c : report.getChannels()) {
        try {
          transfers.addAll(read(consumer, c));
        } catch (NotReadable e) {
          unreadable.add(new UnreadableRange(c.getFromNode(), c.getToNode(), e.getMessage()));
        } catch (KafkaException e) {
          unreadable.add(
              new UnreadableRange(
                  c.getFromNode(), c.getToNode(), "cannot read the log: " + e.getMessage()));
        }
      }
    }
    return AuditRules.withDeepAudit(report, transfers, unreadable);
  }

  /** The in-flight transfers of one recorded channel, in offset order. */
  public List<InFlightTransfer> listInFlight(ChannelState channel) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.committedReader(bootstrapServers, null, Map.of("client.id", "deep-audit"))) {
      return read(consumer, channel);
    }
  }

  private List<InFlightTransfer> read(KafkaConsumer<byte[], byte[]> consumer, ChannelState c) {
    int from = c.getFromNode();
    int to = c.getToNode();
    long first = c.getFirstOffset();
    long end = c.getMarkerOffset();
    String range = "[" + first + ", " + end + ")";
    List<InFlightTransfer> out = new ArrayList<>();
    if (first < 0 || first >= end) {
      return out;
    }
    TopicPartition tp = new TopicPartition(topics.transfers(from).name(), to);
    consumer.assign(List.of(tp));
    Map<TopicPartition, Long> start = consumer.beginningOffsets(List.of(tp), readTimeout);
    Long logStart = start.get(tp);
    if (logStart != null && logStart > first) {
      throw new NotReadable(
          "range " + range + " is gone: the log now starts at offset " + logStart);
    }
    consumer.seek(tp, first);
    long deadline = System.nanoTime() + readTimeout.toNanos();
    while (consumer.position(tp, readTimeout) < end) {
      if (System.nanoTime() > deadline) {
        throw new NotReadable(
            "range "
                + range
                + " not readable within "
                + readTimeout.toMillis()
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
          out.add(new InFlightTransfer(from, to, r.offset(), t.getTransferId(), t.getAmount()));
        }
      }
    }
    return out;
  }

  private static final class NotReadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReadable(String message) {
      super(message);
    }
  }
}
