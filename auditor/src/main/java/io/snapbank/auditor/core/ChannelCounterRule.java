package io.snapbank.auditor.core;

import io.snapbank.schemas.ChannelCount;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.Collection;
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
    for (LocalSnapshotReport receiver : byNode.values()) {
      // per sender, the lanes' states added up (each lane once: a repeat is CHANNEL_DUPLICATE's)
      TreeMap<Integer, long[]> recorded = new TreeMap<>();
      TreeSet<String> seen = new TreeSet<>();
      for (ChannelState c : receiver.getChannels()) {
        if (c.getToNode() == receiver.getNodeId()
            && c.getFromNode() != c.getToNode()
            && seen.add(ChannelNames.lane(c))) {
          long[] t = recorded.computeIfAbsent(c.getFromNode(), k -> new long[2]);
          t[0] += c.getCount();
          t[1] += c.getSum();
        }
      }
      recorded.forEach(
          (from, t) -> {
            LocalSnapshotReport sender = byNode.get(from);
            if (sender != null && hasCounters(sender) && hasCounters(receiver)) {
              problem(
                      from,
                      receiver.getNodeId(),
                      t,
                      count(sender.getSent(), receiver.getNodeId()),
                      count(receiver.getReceived(), from))
                  .ifPresent(out::add);
            }
          });
    }
    return out;
  }

  /** Whether a report carries channel counters at all. */
  public static boolean hasCounters(LocalSnapshotReport r) {
    return !r.getSent().isEmpty() || !r.getReceived().isEmpty();
  }

  /** {@code recorded}: {count, sum} of every lane of channel i→j the receiver recorded. */
  private static Optional<Problem> problem(
      int i, int j, long[] recorded, long[] sent, long[] received) {
    long count = sent[0] - received[0];
    long sum = sent[1] - received[1];
    if (count == recorded[0] && sum == recorded[1]) {
      return Optional.empty();
    }
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
                + recorded[0]
                + " summing "
                + recorded[1]));
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
