package io.snapbank.auditor.core;

import io.snapbank.schemas.ChannelCount;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The channel counters rule. Every node reports, per channel, the transfers it had sent ({@code
 * sent}, by receiver) and accepted ({@code received}, by sender) when it recorded its state. In a
 * consistent cut, for every channel i→j, what i had sent to j minus what j had accepted from i is
 * exactly the channel state j recorded: the same number of transfers and the same sum. Pure.
 *
 * <p>A report with neither {@code sent} nor {@code received} counters (written before nodes kept
 * them) cannot be checked: the channels it sends or receives on are skipped. Otherwise a peer
 * missing from a node's counters stands for zero transfers.
 */
public final class ChannelCounterRule {
  private ChannelCounterRule() {}

  /**
   * One CHANNEL_COUNTERS problem per incoming channel, recorded by its receiver, whose state is not
   * what the two nodes' counters imply; in receiver, then sender order.
   */
  public static List<Problem> check(Collection<LocalSnapshotReport> reports) {
    TreeMap<Integer, LocalSnapshotReport> byNode = new TreeMap<>();
    for (LocalSnapshotReport r : reports) {
      byNode.putIfAbsent(r.getNodeId(), r);
    }
    List<Problem> out = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    for (LocalSnapshotReport receiver : byNode.values()) {
      List<ChannelState> channels = new ArrayList<>(receiver.getChannels());
      channels.sort(Comparator.comparingInt(ChannelState::getFromNode));
      for (ChannelState c : channels) {
        LocalSnapshotReport sender = byNode.get(c.getFromNode());
        boolean own = c.getToNode() == receiver.getNodeId() && c.getFromNode() != c.getToNode();
        if (!own
            || sender == null
            || !seen.add(c.getFromNode() + "->" + c.getToNode())
            || !hasCounters(sender)
            || !hasCounters(receiver)) {
          continue;
        }
        problem(
                c,
                count(sender.getSent(), c.getToNode()),
                count(receiver.getReceived(), c.getFromNode()))
            .ifPresent(out::add);
      }
    }
    return out;
  }

  /** Whether a report carries channel counters at all. */
  public static boolean hasCounters(LocalSnapshotReport r) {
    return !r.getSent().isEmpty() || !r.getReceived().isEmpty();
  }

  private static Optional<Problem> problem(ChannelState c, long[] sent, long[] received) {
    long count = sent[0] - received[0];
    long sum = sent[1] - received[1];
    if (count == c.getCount() && sum == c.getSum()) {
      return Optional.empty();
    }
    int i = c.getFromNode();
    int j = c.getToNode();
    return Optional.of(
        new Problem(
            ViolationReason.CHANNEL_COUNTERS,
            "channel "
                + i
                + "->"
                + j
                + ": node "
                + i
                + " had sent "
                + sent[0]
                + " transfers summing "
                + sent[1]
                + " and node "
                + j
                + " had accepted "
                + received[0]
                + " summing "
                + received[1]
                + ", so "
                + count
                + " summing "
                + sum
                + " were in flight, but the channel state records "
                + c.getCount()
                + " summing "
                + c.getSum()));
  }

  /** {count, sum} of the first entry for {@code peer}, or zeros. */
  private static long[] count(List<ChannelCount> counts, int peer) {
    for (ChannelCount c : counts) {
      if (c.getPeer() == peer) {
        return new long[] {c.getCount(), c.getSum()};
      }
    }
    return new long[2];
  }
}
