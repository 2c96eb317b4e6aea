package io.snapbank.node.core;

/**
 * Where a {@link NodeCore}'s effects go: the port its driver implements. Calls happen synchronously
 * inside the input that causes them, in the order they must take effect.
 */
public interface NodeOutput {
  /** Write {@code message} on channel self→{@code to}, after everything sent on it before. */
  void send(int to, ChannelMessage message);

  /** This node's part of a global snapshot is complete: report it. */
  void snapshotCompleted(LocalSnapshot snapshot);

  /** An account's balance is now {@code balance}. */
  void balanceChanged(String account, long balance);

  /** Set the input being handled aside, with the reason; nothing else happened because of it. */
  void quarantine(QuarantineReason reason, String detail);

  /**
   * The node cannot go on: the input being handled is not consumed; make what was done before it
   * durable and stop with {@code reason}.
   */
  void halt(String reason);
}
