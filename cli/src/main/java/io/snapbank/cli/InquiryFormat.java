package io.snapbank.cli;

import io.snapbank.auditor.core.CutDiff;
import io.snapbank.auditor.core.Diagnosis;
import io.snapbank.auditor.core.Money;
import io.snapbank.auditor.core.SnapshotProgress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Text of the {@code why} and {@code diff} answers: money in major units, times in UTC. */
final class InquiryFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

  private InquiryFormat() {}

  /** A time in ms since the epoch, readable. */
  static String time(long ms) {
    return TIME.format(Instant.ofEpochMilli(ms));
  }

  /**
   * Where a snapshot stands and why: its header, one line per member and open channel, the cause.
   */
  static String why(SnapshotProgress p, Diagnosis d, long nowMs) {
    StringBuilder b =
        new StringBuilder("snapshot ").append(p.snapshotId()).append(' ').append(p.stage());
    if (!p.abortReason().isEmpty()) {
      b.append(" (").append(p.abortReason()).append(')');
    }
    if (p.epoch() >= 0) {
      b.append(" in epoch ").append(p.epoch());
    }
    b.append(", members ").append(p.members());
    if (p.requestedAtMs() > 0) {
      b.append(", requested ")
          .append(time(p.requestedAtMs()))
          .append(" (")
          .append(String.format("%.1f", (nowMs - p.requestedAtMs()) / 1000.0))
          .append(" s ago)");
    }
    b.append('\n');
    long recorded = p.nodes().stream().filter(SnapshotProgress.NodeProgress::recorded).count();
    long reported = p.nodes().stream().filter(SnapshotProgress.NodeProgress::reported).count();
    long open = p.channels().stream().filter(c -> !c.closed()).count();
    b.append(
        String.format(
            "  %d of %d members recorded, %d reported; %d of %d channels still open%n",
            recorded, p.nodes().size(), reported, open, p.channels().size()));
    for (String e : d.evidence()) {
      b.append("  ").append(e).append('\n');
    }
    b.append("cause: ").append(d.text()).append('\n');
    return b.toString();
  }

  /** Two cuts side by side: totals, nodes, money moved between nodes, channels, accounts, check. */
  static String diff(CutDiff d) {
    StringBuilder b = new StringBuilder();
    b.append("snapshot ")
        .append(d.before())
        .append(" (A) -> snapshot ")
        .append(d.after())
        .append(" (B)\n");
    b.append(String.format("%-22s %18s %18s %18s%n", "", "at A", "at B", "change"));
    row(b, "balances", d.balancesBefore(), d.balancesAfter());
    row(b, "in flight", d.inFlightBefore(), d.inFlightAfter());
    row(b, "total", d.balancesBefore() + d.inFlightBefore(), d.balancesAfter() + d.inFlightAfter());
    if (d.moneyInOut() != 0) {
      b.append("  money in/out by membership changes: ")
          .append(Money.signed(d.moneyInOut()))
          .append('\n');
    }
    b.append("per node (change = received - sent between the cuts):\n");
    for (CutDiff.NodeChange n : d.nodes()) {
      b.append(
          String.format(
              "  node %-3d %18s %18s %18s   sent %s, received %s  %s%n",
              n.node(),
              Money.format(n.before()),
              Money.format(n.after()),
              Money.signed(n.change()),
              Money.format(n.sent()),
              Money.format(n.received()),
              n.addsUp() ? "ok" : "DOES NOT ADD UP"));
    }
    TreeSet<Integer> ids = new TreeSet<>();
    Map<String, CutDiff.ChannelChange> byName = new TreeMap<>();
    for (CutDiff.ChannelChange c : d.channels()) {
      ids.add(c.from());
      ids.add(c.to());
      byName.put(c.from() + "->" + c.to(), c);
    }
    b.append("money sent between the cuts (row: from, column: to):\n");
    b.append(String.format("  %-8s", "from\\to"));
    ids.forEach(i -> b.append(String.format(" %15d", i)));
    b.append('\n');
    for (int from : ids) {
      b.append(String.format("  %-8d", from));
      for (int to : ids) {
        CutDiff.ChannelChange c = byName.get(from + "->" + to);
        b.append(
            String.format(" %15s", from == to ? "-" : c == null ? "" : Money.format(c.sent())));
      }
      b.append('\n');
    }
    b.append("per channel (accepted = sent + in flight at A - in flight at B):\n");
    for (CutDiff.ChannelChange c : d.channels()) {
      b.append(
          String.format(
              "  %d->%d: sent %d transfers %s, in flight %s at A and %s at B, accepted %d transfers %s  %s%n",
              c.from(),
              c.to(),
              c.sentCount(),
              Money.format(c.sent()),
              Money.format(c.inFlightBefore()),
              Money.format(c.inFlightAfter()),
              c.receivedCount(),
              Money.format(c.received()),
              c.addsUp() ? "ok" : "DOES NOT ADD UP"));
    }
    b.append("per account (local: moves between accounts of the same node):\n");
    for (CutDiff.AccountChange a : d.accounts()) {
      b.append(
          String.format(
              "  %-12s %15s -> %15s %15s   sent %s, received %s, local %s%n",
              a.account(),
              Money.format(a.before()),
              Money.format(a.after()),
              Money.signed(a.change()),
              Money.format(a.sent()),
              Money.format(a.received()),
              Money.signed(a.local())));
    }
    if (d.addsUp()) {
      b.append(
          String.format(
              "check: adds up: balances changed by %s = in flight at A %s - in flight at B %s%s;"
                  + " every node and channel agrees with its log%n",
              Money.signed(d.balancesChange()),
              Money.format(d.inFlightBefore()),
              Money.format(d.inFlightAfter()),
              d.moneyInOut() == 0 ? "" : " + money in/out " + Money.signed(d.moneyInOut())));
    } else {
      b.append("check: DOES NOT ADD UP\n");
      d.problems().forEach(p -> b.append("  ").append(p).append('\n'));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String label, long before, long after) {
    b.append(
        String.format(
            "  %-20s %18s %18s %18s%n",
            label, Money.format(before), Money.format(after), Money.signed(after - before)));
  }
}
