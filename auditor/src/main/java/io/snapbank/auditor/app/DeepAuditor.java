package io.snapbank.auditor.app;

import io.snapbank.auditor.core.DeepAuditRules;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

/**
 * Re-reads every recorded channel range of a snapshot from the log and checks it against the
 * report. Channel i→j's in-flight transfers are the records at offsets [firstOffset, markerOffset)
 * of partition j of {@code <prefix>.transfers.<i>} that the receiving node accepted, found by
 * replaying the range through the node's own acceptance rule ({@link ChannelRangeReader}), starting
 * from the sequence number the node reported it had accepted before the range: records the node set
 * aside (undecodable, naming another sender or receiver, a non-positive amount, an account it does
 * not own, a sequence number already seen) are skipped, and so are markers.
 *
 * <p>{@link #audit} fills {@code AuditReport.deepAudit}: the listed transfers, and a
 * DEEP_AUDIT_MISMATCH problem for every channel whose listed count or sum differs from the reported
 * one (which makes the report a VIOLATION). A range that cannot be read (the log no longer holds
 * it, or it is not readable within the timeout) leaves the deep audit unverified with the reason,
 * without changing the status. Each call uses its own reader; thread-safe.
 */
public final class DeepAuditor {
  /** Default time allowed to read one channel range. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final BankTopics topics;
  private final Duration readTimeout;
  private volatile BankAccounts accounts;

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
    BankAccounts bank = accounts();
    try (ChannelRangeReader reader = reader("deep-audit-" + report.getSnapshotId())) {
      for (ChannelState c : report.getChannels()) {
        try {
          transfers.addAll(read(reader, bank, c));
        } catch (ChannelRangeReader.RangeUnreadableException e) {
          unreadable.add(new UnreadableRange(c.getFromNode(), c.getToNode(), e.getMessage()));
        } catch (KafkaException e) {
          unreadable.add(
              new UnreadableRange(
                  c.getFromNode(), c.getToNode(), "cannot read the log: " + e.getMessage()));
        }
      }
    }
    return DeepAuditRules.withDeepAudit(report, transfers, unreadable);
  }

  /** The in-flight transfers of one recorded channel, in offset order. */
  public List<InFlightTransfer> listInFlight(ChannelState channel) {
    try (ChannelRangeReader reader = reader("deep-audit")) {
      return read(reader, accounts(), channel);
    }
  }

  /** The bank's accounts, read from its genesis once. */
  private BankAccounts accounts() {
    BankAccounts a = accounts;
    if (a == null) {
      a =
          BankSetup.readGenesis(bootstrapServers, topics, readTimeout)
              .map(ReportCodec::accounts)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "bank '" + topics.prefix() + "' has no genesis: nothing to audit"));
      accounts = a;
    }
    return a;
  }

  private ChannelRangeReader reader(String clientId) {
    return new ChannelRangeReader(bootstrapServers, topics, Map.of("client.id", clientId));
  }

  private List<InFlightTransfer> read(
      ChannelRangeReader reader, BankAccounts bank, ChannelState c) {
    int receiver = c.getToNode();
    List<InFlightTransfer> out = new ArrayList<>();
    for (ChannelRangeReader.InFlight t :
        reader
            .read(
                c.getFromNode(),
                receiver,
                c.getFirstOffset(),
                c.getMarkerOffset(),
                c.getSeqBefore(),
                a -> bank.owns(receiver, a),
                readTimeout)
            .transfers()) {
      out.add(new InFlightTransfer(t.from(), t.to(), t.offset(), t.transferId(), t.amount()));
    }
    return out;
  }
}
