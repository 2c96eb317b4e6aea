package io.snapbank.node.config;

/**
 * How a node generates transfers. Immutable.
 *
 * @param transfersPerSecond outgoing transfers per second (0 = none)
 * @param maxAmount largest amount of one transfer, minor units (amounts are 1..maxAmount)
 * @param remoteShare fraction of transfers that go to another node's account
 * @param seed seed of the random choices (accounts, amounts, targets)
 * @param maxBacklog generation pauses while more records than this wait on the node's inputs
 */
public record WorkloadConfig(
    double transfersPerSecond, long maxAmount, double remoteShare, long seed, long maxBacklog) {
  /** Backlog above which a node stops generating and lets its receivers catch up. */
  public static final long DEFAULT_MAX_BACKLOG = 1_000;

  public WorkloadConfig {
    if (transfersPerSecond < 0 || Double.isNaN(transfersPerSecond)) {
      throw new IllegalArgumentException("transfer rate must be >= 0, got " + transfersPerSecond);
    }
    if (maxAmount < 1) {
      throw new IllegalArgumentException("max amount must be >= 1, got " + maxAmount);
    }
    if (!(remoteShare >= 0 && remoteShare <= 1)) {
      throw new IllegalArgumentException("remote share must be within [0, 1], got " + remoteShare);
    }
    if (maxBacklog < 1) {
      throw new IllegalArgumentException("max backlog must be >= 1, got " + maxBacklog);
    }
  }
}
