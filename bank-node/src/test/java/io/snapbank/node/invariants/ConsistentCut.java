package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.ChannelSnapshot;
import io.snapbank.node.core.LocalSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every completed snapshot (one local snapshot from every node) is a consistent cut that conserves
 * money:
 *
 * <ul>
 *   <li>recorded balances plus recorded in-flight money equal the expected total;
 *   <li>every channel is recorded exactly once, by its receiver;
 *   <li>each channel i→j's recorded state is exactly what i had sent when it recorded minus what j
 *       had accepted when it recorded (count and sum);
 *   <li>re-read from the log through the receiver's rule, each recorded range holds exactly the
 *       recorded transfers, and ends at i's marker of the snapshot (checked when {@code withLogs});
 *   <li>where an outside observer saw the recording moment, each node recorded what it really held.
 * </ul>
 */
public final class ConsistentCut implements Invariant {
  private final boolean withLogs;

  /**
   * @param withLogs also re-read the recorded ranges from the logs (FIFO logs only)
   */
  public ConsistentCut(boolean withLogs) {
    this.withLogs = withLogs;
  }

  @Override
  public String name() {
    return "consistent cut";
  }

  @Override
  public List<String> violations(BankObservation o) {
    List<String> out = new ArrayList<>();
    TreeSet<Channel> channels = o.channels();
    for (Map.Entry<Long, SortedMap<Integer, LocalSnapshot>> e : o.snapshots().entrySet()) {
      SortedMap<Integer, LocalSnapshot> parts = e.getValue();
      if (parts.values().stream().map(LocalSnapshot::epochs).distinct().count() > 1) {
        continue; // recorded across an epoch change: aborted, never a global snapshot
      }
      long epoch = parts.values().iterator().next().epoch();
      BankObservation.EpochFacts facts =
          o.epochs().isEmpty()
              ? null
              : ((java.util.TreeMap<Long, BankObservation.EpochFacts>)
                      new java.util.TreeMap<>(o.epochs()))
                  .floorEntry(epoch)
                  .getValue();
      java.util.Set<Integer> members = facts == null ? o.nodes().keySet() : facts.members();
      if (!parts.keySet().equals(members)) {
        continue; // not complete: nothing to check yet
      }
      check(
          o,
          e.getKey(),
          parts,
          facts == null ? channels : facts.channels(),
          facts == null ? o.expectedTotal() : facts.expectedTotal(),
          out);
    }
    return out;
  }

  private void check(
      BankObservation o,
      long id,
      SortedMap<Integer, LocalSnapshot> parts,
      TreeSet<Channel> channels,
      long expectedTotal,
      List<String> out) {
    String s = "snapshot " + id + ": ";
    long total = 0;
    TreeSet<Channel> recorded = new TreeSet<>();
    for (LocalSnapshot part : parts.values()) {
      for (long b : part.balances().values()) {
        total += b;
      }
      BankObservation.Truth truth = o.truths().getOrDefault(id, Map.of()).get(part.nodeId());
      if (truth != null
          && (!truth.balances().equals(part.balances())
              || !nonZero(truth.sent()).equals(nonZero(part.sent()))
              || !nonZero(truth.received()).equals(nonZero(part.received())))) {
        out.add(
            s
                + "node "
                + part.nodeId()
                + " recorded "
                + part.balances()
                + " sent "
                + part.sent()
                + " received "
                + part.received()
                + " but held "
                + truth);
      }
      TreeMap<Integer, long[]> perSender = new TreeMap<>();
      for (ChannelSnapshot c : part.channels()) {
        Channel ch = new Channel(c.from(), c.to(), c.lane());
        total += c.sum();
        if (c.to() != part.nodeId() || !recorded.add(ch)) {
          out.add(s + "channel " + ch + " recorded twice or by node " + part.nodeId());
          continue;
        }
        long[] t = perSender.computeIfAbsent(c.from(), k -> new long[2]);
        t[0] += c.count();
        t[1] += c.sum();
        if (withLogs) {
          checkRange(o, id, ch, c, part.epochs(), out);
        }
      }
      perSender.forEach(
          (from, t) -> {
            LocalSnapshot sender = parts.get(from);
            ChannelCounters sent =
                sender == null
                    ? ChannelCounters.ZERO
                    : sender.sent().getOrDefault(part.nodeId(), ChannelCounters.ZERO);
            ChannelCounters got = part.received().getOrDefault(from, ChannelCounters.ZERO);
            if (t[0] != sent.count() - got.count() || t[1] != sent.sum() - got.sum()) {
              out.add(
                  s
                      + "not a consistent cut on channel "
                      + new Channel(from, part.nodeId())
                      + ": its lanes recorded "
                      + t[0]
                      + " transfers summing "
                      + t[1]
                      + ", but the sender had sent "
                      + sent
                      + " and the receiver had accepted "
                      + got);
            }
          });
    }
    TreeSet<Channel> expected = new TreeSet<>();
    for (Channel c : channels) {
      for (int l = 0; l < o.lanesPerChannel(); l++) {
        expected.add(new Channel(c.from(), c.to(), l));
      }
    }
    if (!recorded.equals(expected)) {
      TreeSet<Channel> missing = new TreeSet<>(expected);
      missing.removeAll(recorded);
      out.add(s + "channels " + missing + " not recorded");
    }
    if (total != expectedTotal) {
      out.add(s + "recorded total " + total + " != " + expectedTotal + " (not a consistent cut)");
    }
  }

  private static void checkRange(
      BankObservation o,
      long id,
      Channel ch,
      ChannelSnapshot c,
      ChannelRule.Epochs epochs,
      List<String> out) {
    String s = "snapshot " + id + " channel " + ch + ": ";
    if (c.colourBelow() >= 0) {
      // unordered channels: the range ends where the counts closed it, not at a marker
      LogReplay r =
          LogReplay.of(
              o, ch, c.firstOffset(), c.markerOffset(), c.seqBefore(), epochs, c.colourBelow());
      if (r.count() != c.count() || r.sum() != c.sum()) {
        out.add(
            s
                + "recorded "
                + c.count()
                + " summing "
                + c.sum()
                + ", the log's transfers"
                + " coloured below "
                + c.colourBelow()
                + " are "
                + r.count()
                + " summing "
                + r.sum());
      }
      return;
    }
    LogEntry marker = null;
    for (LogEntry e : o.log(ch)) {
      if (e.message() != null
          && e.message().sender() == ch.from()
          && (e.message().body() instanceof ChannelMessage.Final
              || (e.message().epoch() == epochs.epoch()
                  && e.message().body() instanceof ChannelMessage.Marker m
                  && m.snapshotId() == id))) {
        marker = e;
        break;
      }
    }
    boolean closedBefore =
        marker != null
            && marker.message().body() instanceof ChannelMessage.Final
            && c.firstOffset() == c.markerOffset()
            && c.firstOffset() > marker.offset();
    if (marker == null || (marker.offset() != c.markerOffset() && !closedBefore)) {
      out.add(
          s
              + "recorded marker offset "
              + c.markerOffset()
              + ", the log has the marker at "
              + (marker == null ? "no offset" : marker.offset()));
      return;
    }
    LogReplay r = LogReplay.of(o, ch, c.firstOffset(), c.markerOffset(), c.seqBefore(), epochs);
    if (r.count() != c.count() || r.sum() != c.sum()) {
      out.add(
          s
              + "recorded "
              + c.count()
              + " transfers summing "
              + c.sum()
              + ", the log holds "
              + r.count()
              + " summing "
              + r.sum()
              + " in ["
              + c.firstOffset()
              + ", "
              + c.markerOffset()
              + ")");
    }
  }

  /** The counters of channels where something moved: a channel counted as zero is one without. */
  private static Map<Integer, ChannelCounters> nonZero(Map<Integer, ChannelCounters> m) {
    Map<Integer, ChannelCounters> out = new TreeMap<>();
    m.forEach(
        (peer, c) -> {
          if (!c.equals(ChannelCounters.ZERO)) {
            out.put(peer, c);
          }
        });
    return out;
  }
}
