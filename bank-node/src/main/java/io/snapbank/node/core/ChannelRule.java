package io.snapbank.node.core;

import java.util.function.Predicate;

/**
 * The one rule that decides whether a record on a lane of channel {@code from}→{@code to} is an
 * accepted transfer or marker. The receiving node applies it to every record it consumes, and the
 * deep audit and the restore replay apply it to a recorded range, so all three agree on what was in
 * flight. Pure.
 *
 * <p>In order: the record must name the channel's own sender ({@link
 * QuarantineReason#WRONG_SENDER}) and receiver ({@link QuarantineReason#WRONG_RECEIVER}) and lane
 * ({@link QuarantineReason#WRONG_LANE}); a record written in an epoch before the receiver's
 * incarnation (its last restore) belongs to an abandoned timeline and is {@link
 * Verdict.Kind#SUPERSEDED}, one written in a later epoch than the receiver's must {@link
 * Verdict.Kind#WAIT} until the receiver has caught up; a transfer must move a positive amount
 * ({@link QuarantineReason#NON_POSITIVE_AMOUNT}) into an account the receiver owns ({@link
 * QuarantineReason#UNKNOWN_ACCOUNT}); then its sequence number must be the next one: a number
 * already seen is a {@link QuarantineReason#DUPLICATE_SEQUENCE}, one that skips ahead is a {@link
 * QuarantineReason#SEQUENCE_GAP} and halts the receiver, since the FIFO assumption the snapshot
 * algorithm rests on no longer holds.
 */
public final class ChannelRule {
  private ChannelRule() {}

  /** Where a sequence number stands against the last accepted one. */
  public enum Sequence {
    NEXT,
    DUPLICATE,
    GAP
  }

  /** Where the receiver stands in the bank's epoch log: its epoch, and that of its last restore. */
  public record Epochs(long incarnation, long epoch) {
    public static final Epochs GENESIS = new Epochs(0, 0);
  }

  /** {@code seq} against {@code lastAccepted}: the next one, already seen, or skipping ahead. */
  public static Sequence sequence(long lastAccepted, long seq) {
    if (seq <= lastAccepted) {
      return Sequence.DUPLICATE;
    }
    return seq == lastAccepted + 1 ? Sequence.NEXT : Sequence.GAP;
  }

  /**
   * Judges {@code m}, read at {@code offset} of channel {@code from}→{@code to}, whose last
   * accepted sequence number is {@code lastSeq}; {@code receiverOwns} tells the receiver's accounts
   * and {@code at} where it stands in the epoch log.
   */
  public static Verdict judge(
      Lane from,
      int to,
      long offset,
      ChannelMessage m,
      long lastSeq,
      Predicate<String> receiverOwns,
      Epochs at) {
    return judge(from, to, offset, m, lastSeq, receiverOwns, at, false);
  }

  /**
   * Judges {@code m} as {@link #judge(Lane, int, long, ChannelMessage, long, Predicate, Epochs)}
   * does, on a lane whose final record arrived already when {@code closed}: then nothing it carries
   * is applied ({@link QuarantineReason#CLOSED_CHANNEL}).
   */
  public static Verdict judge(
      Lane from,
      int to,
      long offset,
      ChannelMessage m,
      long lastSeq,
      Predicate<String> receiverOwns,
      Epochs at,
      boolean closed) {
    return judge(
        from, to, offset, m, sequence(lastSeq, m.seq()), lastSeq, receiverOwns, at, closed);
  }

  /**
   * Judges {@code m} whose sequence number stands at {@code seq} against the lane's last accepted
   * one, {@code lastSeq} (on unordered channels NEXT whenever it was not seen before).
   */
  public static Verdict judge(
      Lane from,
      int to,
      long offset,
      ChannelMessage m,
      Sequence seq,
      long lastSeq,
      Predicate<String> receiverOwns,
      Epochs at,
      boolean closed) {
    if (m.sender() != from.node()) {
      return Verdict.quarantine(QuarantineReason.WRONG_SENDER, m.describe());
    }
    if (m.receiver() != to) {
      return Verdict.quarantine(QuarantineReason.WRONG_RECEIVER, m.describe());
    }
    if (m.lane() != from.index()) {
      return Verdict.quarantine(
          QuarantineReason.WRONG_LANE, "read on lane " + from.index() + ": " + m.describe());
    }
    if (m.epoch() < at.incarnation()) {
      return Verdict.SUPERSEDED_RECORD;
    }
    if (m.epoch() > at.epoch()) {
      return Verdict.WAIT_FOR_EPOCH;
    }
    if (closed) {
      return Verdict.quarantine(
          QuarantineReason.CLOSED_CHANNEL,
          "after the final record of channel " + from.label() + "->" + to + ": " + m.describe());
    }
    if (m.body() instanceof ChannelMessage.Transfer t) {
      if (t.amount() <= 0) {
        return Verdict.quarantine(QuarantineReason.NON_POSITIVE_AMOUNT, m.describe());
      }
      if (!receiverOwns.test(t.toAccount())) {
        return Verdict.quarantine(QuarantineReason.UNKNOWN_ACCOUNT, m.describe());
      }
    }
    return switch (seq) {
      case NEXT -> Verdict.ACCEPTED;
      case DUPLICATE ->
          Verdict.quarantine(
              QuarantineReason.DUPLICATE_SEQUENCE,
              "seq " + m.seq() + " already received (last " + lastSeq + "): " + m.describe());
      case GAP ->
          new Verdict(
              Verdict.Kind.HALT,
              QuarantineReason.SEQUENCE_GAP,
              "FIFO violation on channel "
                  + from.label()
                  + "->"
                  + to
                  + " at offset "
                  + offset
                  + ": expected seq "
                  + (lastSeq + 1)
                  + ", got "
                  + m.seq()
                  + "; node "
                  + to
                  + " stops rather than continue on a broken channel (record quarantined)");
    };
  }
}
