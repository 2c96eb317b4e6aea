package io.snapbank.node.kafka;

import io.snapbank.node.core.NodeTopology;
import io.snapbank.schemas.topic.BankTopics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions one node reads: partition {@code self} of every incoming sender's transfers topic
 * (its channels), the snapshot requests, the snapshot aborts and the epoch log. Immutable.
 */
final class NodeInputs {
  private final BankTopics topics;
  private final Map<String, Integer> senders = new HashMap<>();
  private final List<TopicPartition> all = new ArrayList<>();
  private final TopicPartition epochs;

  NodeInputs(BankTopics topics, NodeTopology topology) {
    this.topics = topics;
    for (int j : topology.incoming()) {
      TopicPartition tp = new TopicPartition(topics.transfers(j).name(), topology.nodeId());
      all.add(tp);
      senders.put(tp.topic(), j);
    }
    all.add(new TopicPartition(topics.snapshotRequests().name(), 0));
    all.add(new TopicPartition(topics.snapshotAborts().name(), 0));
    epochs = new TopicPartition(topics.epochs().name(), 0);
    all.add(epochs);
  }

  /** Every input partition. */
  List<TopicPartition> all() {
    return List.copyOf(all);
  }

  /** The epoch log's partition. */
  TopicPartition epochs() {
    return epochs;
  }

  /** The sender whose channel {@code topic} carries, or null for the other inputs. */
  Integer senderOf(String topic) {
    return senders.get(topic);
  }

  boolean isEpochs(String topic) {
    return topic.equals(epochs.topic());
  }

  boolean isRequests(String topic) {
    return topic.equals(topics.snapshotRequests().name());
  }
}
