package io.snapbank.node.core;

/**
 * A record on lane {@code lane} of channel {@code sender}→{@code receiver}, as the core sees it:
 * decoded, but not yet judged. {@code seq} numbers the lane's records 1, 2, 3… (transfers and
 * markers alike) within an incarnation; {@code epoch} is the sender's epoch when it wrote the
 * record.
 */
public record ChannelMessage(
    int sender, int receiver, long seq, Body body, long epoch, int lane, long colour) {
  /** The colour of a record written before its sender recorded any snapshot. */
  public static final long NO_COLOUR = -1;

  public ChannelMessage {
    if (body == null) {
      throw new IllegalArgumentException("a channel message needs a body");
    }
    if (lane < 0) {
      throw new IllegalArgumentException("lanes are never negative: " + lane);
    }
  }

  /** A message without a colour. */
  public ChannelMessage(int sender, int receiver, long seq, Body body, long epoch, int lane) {
    this(sender, receiver, seq, body, epoch, lane, NO_COLOUR);
  }

  /** A message on lane 0. */
  public ChannelMessage(int sender, int receiver, long seq, Body body, long epoch) {
    this(sender, receiver, seq, body, epoch, 0);
  }

  /** A message of epoch 0 on lane 0. */
  public ChannelMessage(int sender, int receiver, long seq, Body body) {
    this(sender, receiver, seq, body, 0);
  }

  /** The lane it was written on, as its receiver names it. */
  public Lane fromLane() {
    return new Lane(sender, lane);
  }

  /** What a channel record carries. */
  public sealed interface Body permits Transfer, Marker, Final {}

  /**
   * Money moving from {@code fromAccount} (at the sender) to {@code toAccount} (at the receiver).
   */
  public record Transfer(
      String transferId, String fromAccount, String toAccount, long amount, long sentAtMs)
      implements Body {}

  /**
   * The sender recorded snapshot {@code snapshotId} before it wrote this, when it had sent {@code
   * sent} on the channel (all lanes; null when not given).
   */
  public record Marker(long snapshotId, ChannelCounters sent) implements Body {
    public Marker(long snapshotId) {
      this(snapshotId, null);
    }
  }

  /**
   * The channel's last record: its receiver (or its sender) is leaving the bank, and nothing
   * arrives on the channel after it; the sender had sent {@code sent} on it in all (null when not
   * given). For every snapshot it also acts as the channel's marker.
   */
  public record Final(ChannelCounters sent) implements Body {
    public Final() {
      this(null);
    }
  }

  public boolean isMarker() {
    return body instanceof Marker;
  }

  /** One line for logs and quarantine details. */
  public String describe() {
    return "sender="
        + sender
        + " receiver="
        + receiver
        + (lane == 0 ? "" : " lane=" + lane)
        + (colour == NO_COLOUR ? "" : " colour=" + colour)
        + " seq="
        + seq
        + " epoch="
        + epoch
        + " body="
        + body;
  }
}
