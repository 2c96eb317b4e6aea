package io.snapbank.node.kafka;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.NodeMode;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.topic.BankTopics;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a starting node stands as a member: it resumes from its checkpoint; a node that never
 * committed starts at the genesis or, if a JOIN admitted it, in that epoch (reading the snapshot
 * requests and aborts from where the JOIN says, so it never records an older snapshot). A node that
 * is not a member, or left, is refused with one clear line.
 */
record Membership(NodeState state, Map<TopicPartition, Long> firstOffsets) {
  /**
   * Refuses a node id that was never a member, before anything of its own is read (a stranger has
   * no checkpoint partition).
   */
  static void requireKnown(int self, EpochHistory history, BankTopics topics) {
    if (!history.everMembers().contains(self)) {
      long now = history.current();
      throw new NodeLoop.FatalNodeError(
          "node id "
              + self
              + " is not a member of bank '"
              + topics.prefix()
              + "' (members in epoch "
              + now
              + ": "
              + history.membersAt(now)
              + "); add it with 'snapbank member add'");
    }
  }

  static Membership of(
      int self,
      Optional<NodeState> saved,
      EpochHistory history,
      BankAccounts genesis,
      BankTopics topics) {
    if (saved.isPresent()) {
      if (saved.get().mode() == NodeMode.GONE) {
        throw new NodeLoop.FatalNodeError(
            "node "
                + self
                + " left bank '"
                + topics.prefix()
                + "' in epoch "
                + saved.get().epoch());
      }
      return new Membership(saved.get(), Map.of());
    }
    Optional<BankEpoch> left = history.leftOf(self);
    if (left.isPresent()) {
      throw new NodeLoop.FatalNodeError(
          "node "
              + self
              + " left bank '"
              + topics.prefix()
              + "' in epoch "
              + left.get().getEpoch());
    }
    Optional<BankEpoch> join = history.joinOf(self);
    Map<TopicPartition, Long> first = new HashMap<>();
    join.ifPresent(
        j -> {
          first.put(
              new TopicPartition(topics.snapshotRequests().name(), 0),
              j.getJoined().getRequestsOffset());
          first.put(
              new TopicPartition(topics.snapshotAborts().name(), 0),
              j.getJoined().getAbortsOffset());
        });
    return new Membership(history.startingState(self, genesis), first);
  }
}
