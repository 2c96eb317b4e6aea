package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelReplay;
import java.util.ArrayList;
import java.util.List;

/** A channel log replayed through the receiver's rule, from a given offset. */
final class LogReplay {
  final List<ChannelReplay.Accepted> accepted = new ArrayList<>();
  final ChannelReplay replay;
  long lastSeq;

  private LogReplay(BankObservation o, Channel c, long seqBefore) {
    this.replay =
        new ChannelReplay(
            c.from(), c.to(), seqBefore, a -> o.accounts().owns(c.to(), a), accepted::add);
  }

  /** The records of {@code c} at offsets [{@code from}, {@code to}), after {@code seqBefore}. */
  static LogReplay of(BankObservation o, Channel c, long from, long to, long seqBefore) {
    LogReplay r = new LogReplay(o, c, seqBefore);
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

  /** The whole log. */
  static LogReplay all(BankObservation o, Channel c) {
    return of(o, c, 0, Long.MAX_VALUE, 0);
  }

  long count() {
    return replay.count();
  }

  long sum() {
    return replay.sum();
  }
}
