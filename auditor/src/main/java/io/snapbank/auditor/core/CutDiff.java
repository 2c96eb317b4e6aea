package io.snapbank.auditor.core;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.NodeFigure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two consistent cuts A (earlier) and B side by side, as the bank's own books between two moments:
 * each account's and node's change in balance, the money each channel carried between the cuts
 * (from its log, {@link ChannelFlow}), the money in flight at each cut, and the checks that it adds
 * up:
 *
 * <ul>
 *   <li>per channel: what the receiver accepted between its recordings = what the sender sent
 *       between its recordings + in flight at A − in flight at B;
 *   <li>per node: its change = what it accepted − what it sent (moves between its own accounts
 *       cancel out);
 *   <li>for the bank: the change of all balances = in flight at A − in flight at B + the change of
 *       the expected total (money a membership change brought in or took out).
 * </ul>
 *
 * <p>Per account, the part of the change that no channel explains is shown as {@code local}: moves
 * between accounts of the same node. Build one with {@link #of}, after {@link #refusal} found
 * nothing. Pure and immutable.
 */
public record CutDiff(
    long before,
    long after,
    long balancesBefore,
    long balancesAfter,
    long inFlightBefore,
    long inFlightAfter,
    long expectedBefore,
    long expectedAfter,
    List<AccountChange> accounts,
    List<NodeChange> nodes,
    List<ChannelChange> channels,
    List<String> problems) {

  public CutDiff {
    accounts = List.copyOf(accounts);
    nodes = List.copyOf(nodes);
    channels = List.copyOf(channels);
    problems = List.copyOf(problems);
  }

  /** One account: its balances, its change, and the money its node's channels moved for it. */
  public record AccountChange(
      int node, String account, long before, long after, long sent, long received) {
    public long change() {
      return after - before;
    }

    /** The part of the change no channel explains: moves within the node. */
    public long local() {
      return change() - received + sent;
    }
  }

  /** One node: its total balances, the money it sent and accepted over its channels. */
  public record NodeChange(int node, long before, long after, long sent, long received) {
    public long change() {
      return after - before;
    }

    public boolean addsUp() {
      return change() == received - sent;
    }
  }

  /** One channel: the money it carried between the cuts and what was in flight at each. */
  public record ChannelChange(
      int from,
      int to,
      long sentCount,
      long sent,
      long receivedCount,
      long received,
      long inFlightBefore,
      long inFlightAfter) {
    public boolean addsUp() {
      return received == sent + inFlightBefore - inFlightAfter;
    }
  }

  /** Whether every check holds. */
  public boolean addsUp() {
    return problems.isEmpty();
  }

  /** The change of all balances. */
  public long balancesChange() {
    return balancesAfter - balancesBefore;
  }

  /** Money the bank gained or lost through membership changes between the cuts. */
  public long moneyInOut() {
    return expectedAfter - expectedBefore;
  }

  /**
   * Why {@code a} and {@code b} cannot be compared, in one line, or empty when they can: each must
   * be a CONSISTENT cut, a must be taken before b, and both must be of the same timeline (no
   * restore between them) and the same members.
   */
  public static Optional<String> refusal(AuditReport a, AuditReport b) {
    if (a.getSnapshotId() == b.getSnapshotId()) {
      return Optional.of("give two different snapshots (both are " + a.getSnapshotId() + ")");
    }
    for (AuditReport r : List.of(a, b)) {
      if (r.getStatus() != AuditStatus.CONSISTENT) {
        return Optional.of(
            "snapshot "
                + r.getSnapshotId()
                + " is "
                + r.getStatus()
                + (r.getAbortReason().isEmpty() ? "" : " (" + r.getAbortReason() + ")")
                + ", not a consistent cut: diff compares CONSISTENT snapshots");
      }
    }
    if (a.getRequestedAtMs() > b.getRequestedAtMs()
        || (a.getRequestedAtMs() == b.getRequestedAtMs()
            && a.getSnapshotId() > b.getSnapshotId())) {
      return Optional.of(
          "snapshot "
              + a.getSnapshotId()
              + " was taken after "
              + b.getSnapshotId()
              + ": give the earlier one first (snapbank diff "
              + b.getSnapshotId()
              + " "
              + a.getSnapshotId()
              + ")");
    }
    if (a.getIncarnation() != b.getIncarnation()) {
      return Optional.of(
          "a restore lies between snapshots "
              + a.getSnapshotId()
              + " and "
              + b.getSnapshotId()
              + " (incarnations "
              + a.getIncarnation()
              + " and "
              + b.getIncarnation()
              + "): they belong to different timelines");
    }
    if (!a.getMembers().equals(b.getMembers())) {
      return Optional.of(
          "the members changed between snapshots "
              + a.getSnapshotId()
              + " "
              + a.getMembers()
              + " and "
              + b.getSnapshotId()
              + " "
              + b.getMembers()
              + ": diff compares cuts of the same members");
    }
    return Optional.empty();
  }

  /** The comparison of cuts {@code a} and {@code b} given each channel's flow between them. */
  public static CutDiff of(AuditReport a, AuditReport b, List<ChannelFlow> flows) {
    Map<String, ChannelFlow> flowOf = new TreeMap<>();
    flows.forEach(f -> flowOf.put(f.from() + "->" + f.to(), f));
    Map<String, Long> inA = inFlight(a);
    Map<String, Long> inB = inFlight(b);
    List<String> problems = new ArrayList<>();
    List<ChannelChange> channels = new ArrayList<>();
    for (ChannelState c : b.getChannels()) {
      String name = c.getFromNode() + "->" + c.getToNode();
      ChannelFlow f = flowOf.get(name);
      if (f == null) {
        problems.add("channel " + name + ": its log between the cuts was not read");
        continue;
      }
      ChannelChange ch =
          new ChannelChange(
              f.from(),
              f.to(),
              f.sentCount(),
              f.sentSum(),
              f.receivedCount(),
              f.receivedSum(),
              inA.getOrDefault(name, 0L),
              inB.getOrDefault(name, 0L));
      channels.add(ch);
      if (!ch.addsUp()) {
        problems.add(
            "channel "
                + name
                + ": accepted "
                + ch.received()
                + " between the cuts, but sent "
                + ch.sent()
                + " + in flight at A "
                + ch.inFlightBefore()
                + " - in flight at B "
                + ch.inFlightAfter()
                + " = "
                + (ch.sent() + ch.inFlightBefore() - ch.inFlightAfter()));
      }
    }
    Map<Integer, Map<String, Long>> balA = balances(a);
    Map<Integer, Map<String, Long>> balB = balances(b);
    List<AccountChange> accounts = new ArrayList<>();
    List<NodeChange> nodes = new ArrayList<>();
    TreeSet<Integer> ids = new TreeSet<>(balA.keySet());
    ids.addAll(balB.keySet());
    for (int n : ids) {
      Map<String, Long> sentBy = new TreeMap<>();
      Map<String, Long> receivedBy = new TreeMap<>();
      long sent = 0;
      long received = 0;
      for (ChannelFlow f : flows) {
        if (f.from() == n) {
          sent += f.sentSum();
          f.sentByAccount().forEach((k, v) -> sentBy.merge(k, v, Long::sum));
        }
        if (f.to() == n) {
          received += f.receivedSum();
          f.receivedByAccount().forEach((k, v) -> receivedBy.merge(k, v, Long::sum));
        }
      }
      Map<String, Long> before = balA.getOrDefault(n, Map.of());
      Map<String, Long> after = balB.getOrDefault(n, Map.of());
      TreeSet<String> accountNames = new TreeSet<>(before.keySet());
      accountNames.addAll(after.keySet());
      for (String acc : accountNames) {
        accounts.add(
            new AccountChange(
                n,
                acc,
                before.getOrDefault(acc, 0L),
                after.getOrDefault(acc, 0L),
                sentBy.getOrDefault(acc, 0L),
                receivedBy.getOrDefault(acc, 0L)));
      }
      NodeChange nc = new NodeChange(n, total(a, n), total(b, n), sent, received);
      nodes.add(nc);
      if (!nc.addsUp()) {
        problems.add(
            "node "
                + n
                + ": balance changed by "
                + nc.change()
                + ", but it accepted "
                + received
                + " and sent "
                + sent
                + " (difference "
                + (nc.change() - received + sent)
                + ")");
      }
    }
    CutDiff d =
        new CutDiff(
            a.getSnapshotId(),
            b.getSnapshotId(),
            a.getBalancesTotal(),
            b.getBalancesTotal(),
            a.getInFlightTotal(),
            b.getInFlightTotal(),
            a.getExpectedTotal(),
            b.getExpectedTotal(),
            accounts,
            nodes,
            channels,
            problems);
    long expected = d.inFlightBefore() - d.inFlightAfter() + d.moneyInOut();
    if (d.balancesChange() != expected) {
      List<String> all = new ArrayList<>(problems);
      all.add(
          "the bank: balances changed by "
              + d.balancesChange()
              + ", but in flight at A - in flight at B + money in/out = "
              + expected);
      return new CutDiff(
          d.before(),
          d.after(),
          d.balancesBefore(),
          d.balancesAfter(),
          d.inFlightBefore(),
          d.inFlightAfter(),
          d.expectedBefore(),
          d.expectedAfter(),
          accounts,
          nodes,
          channels,
          all);
    }
    return d;
  }

  private static Map<String, Long> inFlight(AuditReport r) {
    Map<String, Long> out = new TreeMap<>();
    for (ChannelState c : r.getChannels()) {
      out.merge(c.getFromNode() + "->" + c.getToNode(), c.getSum(), Long::sum);
    }
    return out;
  }

  private static Map<Integer, Map<String, Long>> balances(AuditReport r) {
    Map<Integer, Map<String, Long>> out = new TreeMap<>();
    for (NodeFigure n : r.getNodes()) {
      Map<String, Long> m = out.computeIfAbsent(n.getNodeId(), k -> new TreeMap<>());
      for (AccountBalance ab : n.getBalances()) {
        m.put(ab.getAccount(), ab.getBalance());
      }
    }
    return out;
  }

  private static long total(AuditReport r, int node) {
    for (NodeFigure n : r.getNodes()) {
      if (n.getNodeId() == node) {
        return n.getBalancesTotal();
      }
    }
    return 0;
  }
}
