package io.snapbank.node.config;

import java.util.Map;
import java.util.TreeSet;

/**
 * Settings of one bank node. Immutable.
 *
 * @param bootstrapServers Kafka bootstrap address
 * @param prefix topic prefix of the bank
 * @param nodeId this node's id, 0 ≤ id &lt; number of nodes in the genesis
 * @param workload how the node generates transfers
 * @param commitIntervalMs how long one transaction collects work before it commits (one holding a
 *     marker or a snapshot report commits at once)
 * @param clientOverrides extra Kafka client properties, applied to producer and consumers; they may
 *     hold credentials, so {@link #toString()} shows their keys only
 */
public record NodeConfig(
    String bootstrapServers,
    String prefix,
    int nodeId,
    WorkloadConfig workload,
    long commitIntervalMs,
    Map<String, String> clientOverrides) {

  public NodeConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    if (nodeId < 0) {
      throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
    }
    if (workload == null) {
      throw new IllegalArgumentException("a workload is required");
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
        bootstrapServers,
        prefix,
        nodeId,
        new WorkloadConfig(100, 100, 0.8, nodeId * 7919L + 1, WorkloadConfig.DEFAULT_MAX_BACKLOG),
        100,
        Map.of());
  }

  public NodeConfig withWorkload(WorkloadConfig w) {
    return new NodeConfig(bootstrapServers, prefix, nodeId, w, commitIntervalMs, clientOverrides);
  }

  /** The same workload at {@code transfersPerSecond}. */
  public NodeConfig withRate(double transfersPerSecond) {
    WorkloadConfig w = workload;
    return withWorkload(
        new WorkloadConfig(
            transfersPerSecond, w.maxAmount(), w.remoteShare(), w.seed(), w.maxBacklog()));
  }

  public NodeConfig withCommitInterval(long ms) {
    return new NodeConfig(bootstrapServers, prefix, nodeId, workload, ms, clientOverrides);
  }

  public NodeConfig withClientOverrides(Map<String, String> overrides) {
    return new NodeConfig(bootstrapServers, prefix, nodeId, workload, commitIntervalMs, overrides);
  }

  /** The transactional id every instance of this node shares, so a new one fences the old. */
  public String transactionalId() {
    return prefix + "-node-" + nodeId;
  }

  /** The consumer group whose offsets record the node's consumed positions. */
  public String groupId() {
    return prefix + "-node-" + nodeId;
  }

  @Override
  public String toString() {
    return "NodeConfig[bootstrapServers="
        + bootstrapServers
        + ", prefix="
        + prefix
        + ", nodeId="
        + nodeId
        + ", workload="
        + workload
        + ", commitIntervalMs="
        + commitIntervalMs
        + ", clientOverrides="
        + new TreeSet<>(clientOverrides.keySet())
        + " (values hidden)]";
  }
}
