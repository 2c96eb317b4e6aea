package io.snapbank.auditor.app;

import io.snapbank.auditor.core.ChannelFlow;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.kafka.BankReader;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelOrder;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads, for every channel of two cuts A and B, the money it carried between them ({@link
 * ChannelFlow}): on each lane of channel i→j, the records at offsets [A's first offset, B's marker
 * offset) of the lane's partition of {@code <prefix>.transfers.<i>}, replayed through the
 * receiver's own acceptance rule from the sequence number it had accepted before A's range ({@link
 * ChannelRangeReader}). The accepted transfers at [A's marker, B's marker) are those the sender
 * sent between its recordings; those at [A's first offset, B's first offset) the ones the receiver
 * accepted between its recordings. Reads only. Thread-safe.
 */
public final class CutFlows {
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final BankTopics topics;
  private final Duration timeout;

  public CutFlows(
      String bootstrap, Map<String, String> overrides, BankTopics topics, Duration timeout) {
    this.bootstrap = bootstrap;
    this.overrides = Map.copyOf(overrides);
    this.topics = topics;
    this.timeout = timeout;
  }

  /**
   * The flow of each channel of {@code b} between cuts {@code a} and {@code b} (a taken first, both
   * of the same members). Throws {@link ChannelRangeReader.RangeUnreadableException} when a range
   * is gone from the log or not readable in time, {@link IllegalStateException} without a genesis.
   */
  public List<ChannelFlow> between(AuditReport a, AuditReport b) {
    BankAccounts accounts;
    int lanes;
    try (BankReader reader = new BankReader(bootstrap, overrides, topics)) {
      BankGenesis g = reader.requireGenesis();
      accounts = reader.epochs(g).accountsAt(b.getEpoch(), ReportCodec.accounts(g));
      lanes = g.getChannelPartitions();
      if (g.getChannelOrder() != ChannelOrder.FIFO) {
        throw new IllegalStateException(
            "bank '"
                + topics.prefix()
                + "' has channels without order: its cuts are told apart by colour, not by"
                + " marker offsets, and diff reads FIFO channels only");
      }
    }
    ChannelRule.Epochs at = new ChannelRule.Epochs(b.getIncarnation(), b.getEpoch());
    Map<String, ChannelFlow.Builder> flows = new TreeMap<>();
    try (ChannelRangeReader reader =
        new ChannelRangeReader(bootstrap, topics.withLanes(lanes), overrides, timeout)) {
      for (ChannelState cb : b.getChannels()) {
        ChannelState ca = channel(a, cb.getFromNode(), cb.getToNode(), cb.getLane());
        if (ca == null) {
          continue;
        }
        int to = cb.getToNode();
        ChannelFlow.Builder flow =
            flows.computeIfAbsent(
                cb.getFromNode() + "->" + to, k -> new ChannelFlow.Builder(cb.getFromNode(), to));
        ChannelRangeReader.Range range =
            reader.read(
                new Lane(cb.getFromNode(), cb.getLane()),
                to,
                ca.getFirstOffset(),
                cb.getMarkerOffset(),
                ca.getSeqBefore(),
                -1,
                acc -> accounts.owns(to, acc),
                at,
                timeout);
        for (ChannelRangeReader.InFlight t : range.transfers()) {
          if (t.offset() >= ca.getMarkerOffset() && t.offset() < cb.getMarkerOffset()) {
            flow.sent(t.fromAccount(), t.amount());
          }
          if (t.offset() >= ca.getFirstOffset() && t.offset() < cb.getFirstOffset()) {
            flow.received(t.toAccount(), t.amount());
          }
        }
      }
    }
    List<ChannelFlow> out = new ArrayList<>();
    flows.values().forEach(f -> out.add(f.build()));
    return out;
  }

  private static ChannelState channel(AuditReport r, int from, int to, int lane) {
    for (ChannelState c : r.getChannels()) {
      if (c.getFromNode() == from && c.getToNode() == to && c.getLane() == lane) {
        return c;
      }
    }
    return null;
  }
}
