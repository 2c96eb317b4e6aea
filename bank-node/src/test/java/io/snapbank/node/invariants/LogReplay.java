package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelReplay;
import io.snapbank.node.core.ChannelRule;
import java.util.ArrayList;
import java.util.List;

/** A channel log replayed through the receiver's rule, from a given offset. */
final class LogReplay {
  final List<ChannelReplay.Accepted> accepted = new ArrayList<>();
  final ChannelReplay replay;
  long lastSeq;

  private LogReplay(
      BankObservation o, Channel c, long seqBefore, ChannelRule.Epochs at, long colourBelow) {
    this.replay =
        new ChannelReplay(
            c.incoming(),
            c.to(),
            seqBefore,
            colourBelow,
            a -> o.accounts().owns(c.to(), a),
            at,
            accepted::add);
  }

  /**
   * The records of {@code c} at offsets [{@code from}, {@code to}), after {@code seqBefore}, as a
   * receiver at {@code at} judges them.
   */
  static LogReplay of(
      BankObservation o, Channel c, long from, long to, long seqBefore, ChannelRule.Epochs at) {
    return of(o, c, from, to, seqBefore, at, -1);
  }

  /** As {@link #of}, counting only transfers coloured below {@code colourBelow} unless it is -1. */
  static LogReplay of(
      BankObservation o,
      Channel c,
      long from,
      long to,
      long seqBefore,
      ChannelRule.Epochs at,
      long colourBelow) {
    LogReplay r = new LogReplay(o, c, seqBefore, at, colourBelow);
    r.lastSeq = seqBefore;
    for (LogEntry e : o.log(c)) {
      if (e.offset() < from || e.offset() >= to) {
        continue;
      }
      if (e.message() == null) {
        r.replay.undecodable();
      } else if (r.replay.offer(e.offset(), e.message()).accepted()) {
        r.lastSeq = e.message().seq();
      }
    }
    return r;
  }

  /** The whole log, as the receiver judges it now. */
  static LogReplay all(BankObservation o, Channel c) {
    return of(o, c, 0, Long.MAX_VALUE, 0, o.nodes().get(c.to()).epochs());
  }

  long count() {
    return replay.count();
  }

  long sum() {
    return replay.sum();
  }
}
