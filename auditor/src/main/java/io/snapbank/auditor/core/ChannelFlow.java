package io.snapbank.auditor.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * What channel {@code from}→{@code to}'s log says happened between two cuts A and B, judged by the
 * receiver's own acceptance rule: the transfers its sender sent between its two recordings (offsets
 * [A's marker, B's marker)), and those its receiver accepted between its two recordings (offsets
 * [A's first offset, B's first offset)), in total and per account. Immutable.
 *
 * @param sentByAccount money sent, by the sender's account
 * @param receivedByAccount money accepted, by the receiver's account
 */
public record ChannelFlow(
    int from,
    int to,
    long sentCount,
    long sentSum,
    long receivedCount,
    long receivedSum,
    Map<String, Long> sentByAccount,
    Map<String, Long> receivedByAccount) {
  public ChannelFlow {
    sentByAccount = Map.copyOf(sentByAccount);
    receivedByAccount = Map.copyOf(receivedByAccount);
  }

  /** Collects a channel's flow transfer by transfer. Not thread-safe. */
  public static final class Builder {
    private final int from;
    private final int to;
    private long sentCount;
    private long sentSum;
    private long receivedCount;
    private long receivedSum;
    private final Map<String, Long> sent = new TreeMap<>();
    private final Map<String, Long> received = new TreeMap<>();

    public Builder(int from, int to) {
      this.from = from;
      this.to = to;
    }

    /** A transfer the sender sent between its two recordings. */
    public Builder sent(String fromAccount, long amount) {
      sentCount++;
      sentSum = Math.addExact(sentSum, amount);
      sent.merge(fromAccount, amount, Math::addExact);
      return this;
    }

    /** A transfer the receiver accepted between its two recordings. */
    public Builder received(String toAccount, long amount) {
      receivedCount++;
      receivedSum = Math.addExact(receivedSum, amount);
      received.merge(toAccount, amount, Math::addExact);
      return this;
    }

    public ChannelFlow build() {
      return new ChannelFlow(
          from, to, sentCount, sentSum, receivedCount, receivedSum, sent, received);
    }
  }
}
