package io.snapbank.node.core;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The receiving side of one node's channels in one epoch: every record consumed from a lane of a
 * channel {@code from}→self is judged by {@link ChannelRule} and then applied, set aside or left
 * for later, and the count and sum of the transfers accepted per channel are kept. Mutable; owned
 * by one {@link NodeCore}, which makes a new one whenever it loads a state.
 *
 * <pre>
 * verdict     record                  effects                                   result
 * ACCEPT      transfer                engine.onTransfer, credit, received +1    CREDITED
 * ACCEPT      marker, node's epoch    engine.onMarker                           MARKER_APPLIED/_IGNORED
 * ACCEPT      marker, earlier epoch   engine.onPassing                          MARKER_IGNORED
 * ACCEPT      final                   engine.onFinal                            CHANNEL_CLOSED
 * QUARANTINE  any                     engine.skip, quarantine                   QUARANTINED
 * HALT        any                     quarantine, halt                          HALTED
 * SUPERSEDED  any                     engine.skip                               SUPERSEDED
 * WAIT        any                     -                                         WAITING
 * </pre>
 */
final class ChannelReceiver {
  private final int nodeId;
  private final ChannelRule.Epochs epochs;
  private final NodeOutput out;
  private final Ledger ledger;
  private final SnapshotEngine engine;
  private final TreeMap<Integer, ChannelCounters> received;

  /**
   * @param received per incoming channel, the transfers accepted from it so far
   */
  ChannelReceiver(
      int nodeId,
      ChannelRule.Epochs epochs,
      NodeOutput out,
      Ledger ledger,
      SnapshotEngine engine,
      SortedMap<Integer, ChannelCounters> received) {
    this.nodeId = nodeId;
    this.epochs = epochs;
    this.out = out;
    this.ledger = ledger;
    this.engine = engine;
    this.received = new TreeMap<>(received);
  }

  /** Per incoming channel (by sender), the transfers accepted from it (a live view). */
  SortedMap<Integer, ChannelCounters> received() {
    return Collections.unmodifiableSortedMap(received);
  }

  /** A decoded record at {@code offset} of channel {@code from}→self. */
  Handled onRecord(Lane from, long offset, ChannelMessage m, long nowMs) {
    Verdict v =
        ChannelRule.judge(
            from,
            nodeId,
            offset,
            m,
            engine.sequence(from, m.seq()),
            engine.lastReceivedSeq(from),
            ledger::owns,
            epochs,
            engine.closedFrom(from));
    switch (v.kind()) {
      case QUARANTINE -> {
        return setAside(from, offset, v.reason(), v.detail());
      }
      case HALT -> {
        out.quarantine(v.reason(), v.detail());
        out.halt(v.detail());
        return Handled.HALTED;
      }
      case SUPERSEDED -> {
        engine.skip(from, offset);
        return Handled.SUPERSEDED;
      }
      case WAIT -> {
        return Handled.WAITING;
      }
      case ACCEPT -> {
        return accept(from, offset, m, nowMs);
      }
      default -> throw new IllegalStateException("unexpected verdict " + v.kind());
    }
  }

  /** A record at {@code offset} of channel {@code from}→self that waited for an unknown epoch. */
  Handled onRecordOfUnknownEpoch(Lane from, long offset, ChannelMessage m) {
    return setAside(
        from,
        offset,
        QuarantineReason.UNKNOWN_EPOCH,
        "epoch "
            + m.epoch()
            + " is not in the epoch log (last "
            + epochs.epoch()
            + "): "
            + m.describe());
  }

  /** Sets the record at {@code offset} of channel {@code from}→self aside. */
  Handled setAside(Lane from, long offset, QuarantineReason reason, String detail) {
    engine.skip(from, offset);
    out.quarantine(reason, detail);
    return Handled.QUARANTINED;
  }

  private Handled accept(Lane from, long offset, ChannelMessage m, long nowMs) {
    if (m.body() instanceof ChannelMessage.Final f) {
      engine.onFinal(from, m.seq(), offset, f.sent(), nowMs);
      return Handled.CHANNEL_CLOSED;
    }
    if (m.isMarker() && m.epoch() < epochs.epoch()) {
      // a snapshot of an earlier epoch: it ended here when the epoch changed
      engine.onPassing(from, m.seq(), offset);
      return Handled.MARKER_IGNORED;
    }
    if (m.body() instanceof ChannelMessage.Marker marker) {
      Outcome o = engine.onMarker(from, m.seq(), offset, marker.snapshotId(), marker.sent(), nowMs);
      return o == Outcome.LATE || o == Outcome.DUPLICATE_MARKER || o == Outcome.OUT_OF_ORDER
          ? Handled.MARKER_IGNORED
          : Handled.MARKER_APPLIED;
    }
    ChannelMessage.Transfer t = (ChannelMessage.Transfer) m.body();
    engine.onTransfer(from, m.seq(), offset, t.amount(), m.colour(), nowMs);
    ledger.credit(t.toAccount(), t.amount());
    out.balanceChanged(t.toAccount(), ledger.balance(t.toAccount()));
    received.put(
        from.node(), received.getOrDefault(from.node(), ChannelCounters.ZERO).plus(t.amount()));
    return Handled.CREDITED;
  }
}
