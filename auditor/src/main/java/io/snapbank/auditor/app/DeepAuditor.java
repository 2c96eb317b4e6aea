package io.snapbank.auditor.app;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.kafka.ChannelRangeReader;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

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
    try (ChannelRangeReader reader = reader("deep-audit-" + report.getSnapshotId())) {
      for (ChannelState c : report.getChannels()) {
        try {
          transfers.addAll(read(reader, c));
        } catch (ChannelRangeReader.RangeUnreadableException e) {
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
    try (ChannelRangeReader reader = reader("deep-audit")) {
      return read(reader, channel);
    }
  }

  private ChannelRangeReader reader(String clientId) {
    return new ChannelRangeReader(bootstrapServers, topics, Map.of("client.id", clientId));
  }

  private List<InFlightTransfer> read(ChannelRangeReader reader, ChannelState c) {
    List<InFlightTransfer> out = new ArrayList<>();
    for (ChannelRangeReader.InFlight t :
        reader.read(
            c.getFromNode(), c.getToNode(), c.getFirstOffset(), c.getMarkerOffset(), readTimeout)) {
      out.add(new InFlightTransfer(t.from(), t.to(), t.offset(), t.transferId(), t.amount()));
    }
    return out;
  }
}
