package io.snapbank.node.app;

import java.util.Map;

/**
 * Settings of one bank node. Immutable.
 *
 * @param bootstrapServers Kafka bootstrap address
 * @param prefix topic prefix of the bank
 * @param nodeId this node's id, 0 ≤ id &lt; number of nodes in the genesis
 * @param transfersPerSecond workload rate of outgoing transfers (0 = none)
 * @param maxAmount largest amount of one generated transfer, in minor units
 * @param remoteShare fraction of generated transfers that go to another node's account
 * @param commitIntervalMs how long one transaction collects work before it commits
 * @param seed seed of the workload generator
 * @param clientOverrides extra Kafka client properties, applied to producer and consumers
 */
public record NodeConfig(
    String bootstrapServers,
    String prefix,
    int nodeId,
    double transfersPerSecond,
    long maxAmount,
    double remoteShare,
    long commitIntervalMs,
    long seed,
    Map<String, String> clientOverrides) {

  public NodeConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    if (nodeId < 0) {
      throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
    }
    if (transfersPerSecond < 0) {
      throw new IllegalArgumentException("transfer rate must be >= 0, got " + transfersPerSecond);
    }
    if (maxAmount < 1) {
      throw new IllegalArgumentException("max amount must be >= 1, got " + maxAmount);
    }
    if (remoteShare < 0 || remoteShare > 1) {
      throw new IllegalArgumentException("remote share must be within [0, 1], got " + remoteShare);
    }
    if (commitIntervalMs < 1) {
      throw new IllegalArgumentException(
          "commit interval must be >= 1 ms, got " + commitIntervalMs);
    }
    clientOverrides = Map.copyOf(clientOverrides);
  }

  /** Defaults: 100 transfers/s, amounts up to 100, 80 % remote, 100 ms transactions. */
  public static NodeConfig of(String bootstrapServers, String prefix, int nodeId) {
    return new NodeConfig(
        bootstrapServers, prefix, nodeId, 100, 100, 0.8, 100, nodeId * 7919L + 1, Map.of());
  }

  public NodeConfig withRate(double transfersPerSecond) {
    return new NodeConfig(
        bootstrapServers,
        prefix,
        nodeId,
        transfersPerSecond,
        maxAmount,
        remoteShare,
        commitIntervalMs,
        seed,
        clientOverrides);
  }

  public NodeConfig withCommitInterval(long ms) {
    return new NodeConfig(
        bootstrapServers,
        prefix,
        nodeId,
        transfersPerSecond,
        maxAmount,
        remoteShare,
        ms,
        seed,
        clientOverrides);
  }

  public NodeConfig withClientOverrides(Map<String, String> overrides) {
    return new NodeConfig(
        bootstrapServers,
        prefix,
        nodeId,
        transfersPerSecond,
        maxAmount,
        remoteShare,
        commitIntervalMs,
        seed,
        overrides);
  }

  public String transactionalId() {
    return prefix + "-node-" + nodeId;
  }

  public String groupId() {
    return prefix + "-node-" + nodeId;
  }
}
