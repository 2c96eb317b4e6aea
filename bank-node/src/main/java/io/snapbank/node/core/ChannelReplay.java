package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Replays a recorded range of a lane of channel {@code from}→{@code to} record by record, in offset
 * order, through {@link ChannelRule}, exactly as the receiving node judged it: the transfers it
 * accepts are the channel's recorded in-flight transfers. Used by the deep audit (to list and check
 * them) and by a restore (to deliver them again). Pure; not thread-safe.
 *
 * <p>The rule needs the last sequence number the receiver had accepted when the range began; a
 * report that does not carry it (written by an older release, given as a negative number) starts
 * from the first acceptable record of the range instead, so a duplicate at the very start of such a
 * range cannot be told apart from a first delivery.
 */
public final class ChannelReplay {
  /** A transfer the rule accepts. */
  public record Accepted(long offset, long seq, ChannelMessage.Transfer transfer) {}

  private final Lane from;
  private final int to;
  private final Predicate<String> receiverOwns;
  private final ChannelRule.Epochs at;
  private final Consumer<Accepted> sink;
  private final List<String> problems = new ArrayList<>();
  private long lastSeq;
  private boolean baselineKnown;
  private long count;
  private long sum;
  private long set;
  private long superseded;
  private boolean closed;
  private final long colourBelow;
  private final java.util.TreeSet<Long> ahead = new java.util.TreeSet<>();

  /**
   * @param lastSeqBefore the receiver's last accepted sequence number before the range, or a
   *     negative number when unknown
   * @param receiverOwns the receiver's accounts
   * @param at the receiver's epoch and incarnation when it recorded the range
   * @param sink called with each accepted transfer, in order
   */
  public ChannelReplay(
      Lane from,
      int to,
      long lastSeqBefore,
      Predicate<String> receiverOwns,
      ChannelRule.Epochs at,
      Consumer<Accepted> sink) {
    this(from, to, lastSeqBefore, -1, receiverOwns, at, sink);
  }

  /**
   * A replay of a lane of a bank whose channels keep no order when {@code colourBelow} is not -1:
   * sequence numbers then only catch repeats, and only accepted transfers coloured below {@code
   * colourBelow} are the state.
   */
  public ChannelReplay(
      Lane from,
      int to,
      long lastSeqBefore,
      long colourBelow,
      Predicate<String> receiverOwns,
      ChannelRule.Epochs at,
      Consumer<Accepted> sink) {
    this.colourBelow = colourBelow;
    this.from = from;
    this.to = to;
    this.receiverOwns = receiverOwns;
    this.at = at;
    this.sink = sink;
    this.lastSeq = Math.max(0, lastSeqBefore);
    this.baselineKnown = lastSeqBefore >= 0;
  }

  /** The next record of the range. */
  public Verdict offer(long offset, ChannelMessage m) {
    if (!baselineKnown
        && m.sender() == from.node()
        && m.receiver() == to
        && m.lane() == from.index()
        && m.epoch() >= at.incarnation()
        && m.epoch() <= at.epoch()) {
      lastSeq = m.seq() - 1;
      baselineKnown = true;
    }
    Verdict v =
        ChannelRule.judge(
            from, to, offset, m, sequence(m.seq()), lastSeq, receiverOwns, at, closed);
    switch (v.kind()) {
      case ACCEPT -> {
        accept(m.seq());
        closed |= m.body() instanceof ChannelMessage.Final;
        if (m.body() instanceof ChannelMessage.Transfer t
            && (colourBelow < 0 || m.colour() < colourBelow)) {
          count++;
          sum = Math.addExact(sum, t.amount());
          sink.accept(new Accepted(offset, m.seq(), t));
        }
      }
      case QUARANTINE -> set++;
      case HALT -> {
        set++;
        problems.add(v.detail());
      }
      case SUPERSEDED -> superseded++;
      case WAIT -> set++; // the receiver sets a record of an epoch the log lacks aside
      default -> throw new IllegalStateException("unexpected verdict " + v.kind());
    }
    return v;
  }

  private ChannelRule.Sequence sequence(long seq) {
    ChannelRule.Sequence s = ChannelRule.sequence(lastSeq, seq);
    if (colourBelow < 0 || s != ChannelRule.Sequence.GAP) {
      return s;
    }
    return ahead.contains(seq) ? ChannelRule.Sequence.DUPLICATE : ChannelRule.Sequence.NEXT;
  }

  private void accept(long seq) {
    if (seq != lastSeq + 1) {
      ahead.add(seq);
      return;
    }
    lastSeq = seq;
    while (ahead.remove(lastSeq + 1)) {
      lastSeq++;
    }
  }

  /** A record of the range that does not decode: set aside, as the node does. */
  public void undecodable() {
    set++;
  }

  /** Accepted transfers so far. */
  public long count() {
    return count;
  }

  /** Their amounts added up. */
  public long sum() {
    return sum;
  }

  /** Records set aside (undecodable, quarantined, or past a gap). */
  public long setAside() {
    return set;
  }

  /** Records of an abandoned timeline (before the receiver's last restore), skipped. */
  public long superseded() {
    return superseded;
  }

  /** Sequence gaps met: a range the receiver really recorded never holds one. */
  public List<String> problems() {
    return List.copyOf(problems);
  }
}
