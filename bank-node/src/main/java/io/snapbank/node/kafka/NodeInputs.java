package io.snapbank.node.kafka;

import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.schemas.topic.BankTopics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions one node reads: the partitions of every incoming sender's transfers topic that
 * carry the lanes of its channel to this node ({@link BankTopics#channelPartition}), the snapshot
 * requests, the snapshot aborts and the epoch log. Immutable.
 */
final class NodeInputs {
  private final BankTopics topics;
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  private final List<TopicPartition> all = new ArrayList<>();
  private final TopicPartition epochs;

  NodeInputs(BankTopics topics, NodeTopology topology) {
    this.topics = topics;
    for (Lane lane : topology.incomingLanes()) {
      TopicPartition tp =
          new TopicPartition(
              topics.transfers(lane.node()).name(),
              topics.channelPartition(topology.nodeId(), lane.index()));
      all.add(tp);
      lanes.put(tp, lane);
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

  /** The incoming lane {@code tp} carries, or null for the other inputs. */
  Lane laneOf(TopicPartition tp) {
    return lanes.get(tp);
  }

  boolean isEpochs(String topic) {
    return topic.equals(epochs.topic());
  }

  boolean isRequests(String topic) {
    return topic.equals(topics.snapshotRequests().name());
  }
}
