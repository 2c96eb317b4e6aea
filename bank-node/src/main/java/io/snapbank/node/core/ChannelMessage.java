package io.snapbank.node.core;

/**
 * A record on channel {@code sender}→{@code receiver}, as the core sees it: decoded, but not yet
 * judged. {@code seq} numbers the channel's records 1, 2, 3… (transfers and markers alike) within
 * an incarnation; {@code epoch} is the sender's epoch when it wrote the record.
 */
public record ChannelMessage(int sender, int receiver, long seq, Body body, long epoch) {
  public ChannelMessage {
    if (body == null) {
      throw new IllegalArgumentException("a channel message needs a body");
    }
  }

  /** A message of epoch 0. */
  public ChannelMessage(int sender, int receiver, long seq, Body body) {
    this(sender, receiver, seq, body, 0);
  }

  /** What a channel record carries. */
  public sealed interface Body permits Transfer, Marker, Final {}

  /**
   * Money moving from {@code fromAccount} (at the sender) to {@code toAccount} (at the receiver).
   */
  public record Transfer(
      String transferId, String fromAccount, String toAccount, long amount, long sentAtMs)
      implements Body {}

  /** The sender recorded snapshot {@code snapshotId} before it wrote this. */
  public record Marker(long snapshotId) implements Body {}

  /**
   * The channel's last record: its receiver (or its sender) is leaving the bank, and nothing
   * arrives on the channel after it. For every snapshot it also acts as the channel's marker.
   */
  public record Final() implements Body {}

  public boolean isMarker() {
    return body instanceof Marker;
  }

  /** One line for logs and quarantine details. */
  public String describe() {
    return "sender="
        + sender
        + " receiver="
        + receiver
        + " seq="
        + seq
        + " epoch="
        + epoch
        + " body="
        + body;
  }
}
