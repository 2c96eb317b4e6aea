package io.snapbank.schemas.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the project's topics are replicated: {@code factor} copies of each partition, and, when there
 * are three, {@code min.insync.replicas} 2, so that a write acknowledged by all in-sync replicas
 * (every producer uses {@code acks=all}) is on two brokers and one broker may stop without stopping
 * writes. The one rule: factor min(3, brokers of the cluster), counting the brokers registered with
 * the cluster, stopped (fenced) ones included, so that a topic created while one broker is down is
 * replicated as the others were.
 */
public record Replication(short factor, int minInsyncReplicas) {
  /** The largest factor used. */
  public static final int MAX_FACTOR = 3;

  /** One copy: a single broker. */
  public static final Replication SINGLE = new Replication((short) 1, 1);

  public Replication {
    if (factor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > factor) {
      throw new IllegalArgumentException(
          "replication factor " + factor + " with min.insync.replicas " + minInsyncReplicas);
    }
  }

  /** The replication of topics in a cluster of {@code brokers} brokers. */
  public static Replication forBrokers(int brokers) {
    int factor = Math.max(1, Math.min(MAX_FACTOR, brokers));
    return new Replication((short) factor, factor == MAX_FACTOR ? 2 : 1);
  }

  /**
   * The replication of topics in the cluster {@code admin} talks to: it counts the registered
   * brokers, fenced ones included.
   */
  public static Replication of(Admin admin, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    int brokers =
        admin
            .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
            .nodes()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .size();
    return forBrokers(brokers);
  }

  /**
   * The topic configs this replication adds: {@code min.insync.replicas} when it is above 1
   * (otherwise the broker's default stands).
   */
  public Map<String, String> topicConfig() {
    return minInsyncReplicas > 1
        ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas))
        : Map.of();
  }

  /**
   * {@code topic} with this factor and {@link #topicConfig()}, unless it names its own factor or
   * replica assignment (then it is returned as it is).
   */
  public NewTopic applyTo(NewTopic topic) {
    if (topic.replicationFactor() > 0 || topic.replicasAssignments() != null) {
      return topic;
    }
    Map<String, String> configs = new HashMap<>(topicConfig());
    if (topic.configs() != null) {
      configs.putAll(topic.configs());
    }
    Optional<Integer> partitions =
        topic.numPartitions() > 0 ? Optional.of(topic.numPartitions()) : Optional.empty();
    return new NewTopic(topic.name(), partitions, Optional.of(factor)).configs(configs);
  }
}
