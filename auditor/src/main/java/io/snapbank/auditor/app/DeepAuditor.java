package io.snapbank.auditor.app;

import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.kafka.BankReader;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * Re-reads every recorded channel range of a snapshot from the log. The in-flight transfers of a
 * lane of channel i→j are the records at offsets [firstOffset, markerOffset) of the lane's
 * partition of {@code <prefix>.transfers.<i>} ({@code BankTopics.channelPartition}) that the
 * receiving node accepted, found by replaying the range through the node's own acceptance rule
 * ({@link ChannelRangeReader}), starting from the sequence number the node reported it had accepted
 * before the range: records the node set aside (undecodable, naming another sender or receiver, a
 * non-positive amount, an account it does not own, a sequence number already seen) are skipped, and
 * so are markers.
 *
 * <p>{@link #read} gives the result as data ({@link DeepAuditResult}): the listed transfers, and
 * every channel that could not be read (gone from the log, not readable within the timeout, or the
 * bank's genesis unknown) with the reason. Comparing them with the report is the topology's job
 * ({@link io.snapbank.auditor.core.DeepAuditRules}). Each call uses its own reader; thread-safe.
 */
public final class DeepAuditor {
  private final String bootstrapServers;
  private final Map<String, String> overrides;
  private final BankTopics topics;
  private final Duration readTimeout;
  private volatile BankGenesis genesis;
  private volatile EpochHistory history;

  public DeepAuditor(String bootstrapServers, BankTopics topics, Duration readTimeout) {
    this(bootstrapServers, Map.of(), topics, readTimeout);
  }

  /** A deep auditor whose readers use the client settings {@code overrides} (security). */
  public DeepAuditor(
      String bootstrapServers,
      Map<String, String> overrides,
      BankTopics topics,
      Duration readTimeout) {
    this.bootstrapServers = bootstrapServers;
    this.overrides = Map.copyOf(overrides);
    this.topics = topics;
    this.readTimeout = readTimeout;
  }

  /** What the log holds for every channel {@code report} records (nothing for ABORTED ones). */
  public DeepAuditResult read(AuditReport report) {
    List<InFlightTransfer> transfers = new ArrayList<>();
    List<UnreadableRange> unreadable = new ArrayList<>();
    if (report.getStatus() == AuditStatus.ABORTED) {
      return new DeepAuditResult(report.getSnapshotId(), transfers, unreadable);
    }
    Optional<BankAccounts> bank = accountsAt(report.getEpoch());
    if (bank.isEmpty()) {
      for (ChannelState c : report.getChannels()) {
        unreadable.add(
            new UnreadableRange(
                c.getFromNode(),
                c.getToNode(),
                "bank '"
                    + topics.prefix()
                    + "' has no readable genesis: its accounts are unknown"));
      }
      return new DeepAuditResult(report.getSnapshotId(), transfers, unreadable);
    }
    try (ChannelRangeReader reader = reader("deep-audit-" + report.getSnapshotId())) {
      for (ChannelState c : report.getChannels()) {
        try {
          transfers.addAll(
              read(
                  reader,
                  bank.get(),
                  new ChannelRule.Epochs(report.getIncarnation(), report.getEpoch()),
                  c));
        } catch (ChannelRangeReader.RangeUnreadableException e) {
          unreadable.add(new UnreadableRange(c.getFromNode(), c.getToNode(), e.getMessage()));
        } catch (KafkaException e) {
          unreadable.add(
              new UnreadableRange(
                  c.getFromNode(), c.getToNode(), "cannot read the log: " + e.getMessage()));
        }
      }
    }
    return new DeepAuditResult(report.getSnapshotId(), transfers, unreadable);
  }

  /**
   * The members' accounts in {@code epoch}: the genesis's and those of the nodes that joined by
   * then (the genesis is read once, the epoch log again when it does not reach {@code epoch} yet);
   * empty while they cannot be read.
   */
  private Optional<BankAccounts> accountsAt(long epoch) {
    try (BankReader reader = new BankReader(bootstrapServers, overrides, topics)) {
      BankGenesis g = genesis;
      if (g == null) {
        g = reader.genesis().orElse(null);
        if (g == null) {
          return Optional.empty();
        }
        genesis = g;
      }
      EpochHistory h = history;
      if (h == null || h.current() < epoch) {
        h = reader.epochs(g);
        history = h;
      }
      return Optional.of(h.accountsAt(epoch, ReportCodec.accounts(g)));
    } catch (KafkaException e) {
      return Optional.empty();
    }
  }

  private ChannelRangeReader reader(String clientId) {
    Map<String, String> client = new HashMap<>(overrides);
    client.put("client.id", clientId);
    BankGenesis g = genesis;
    return new ChannelRangeReader(
        bootstrapServers, g == null ? topics : topics.withLanes(g.getChannelPartitions()), client);
  }

  private List<InFlightTransfer> read(
      ChannelRangeReader reader, BankAccounts bank, ChannelRule.Epochs at, ChannelState c) {
    int receiver = c.getToNode();
    List<InFlightTransfer> out = new ArrayList<>();
    for (ChannelRangeReader.InFlight t :
        reader
            .read(
                new Lane(c.getFromNode(), c.getLane()),
                receiver,
                c.getFirstOffset(),
                c.getMarkerOffset(),
                c.getSeqBefore(),
                c.getColourBelow(),
                a -> bank.owns(receiver, a),
                at,
                readTimeout)
            .transfers()) {
      out.add(new InFlightTransfer(t.from(), t.to(), t.offset(), t.transferId(), t.amount()));
    }
    return out;
  }
}
