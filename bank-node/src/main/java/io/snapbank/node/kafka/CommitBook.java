package io.snapbank.node.kafka;

import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.core.NodeState;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A node's last commit (its state and input positions, and how many transactions this instance
 * committed) and the outcome of every transaction after it, through the node's {@link
 * ProducerSession}. A failed transaction ends one way: a fatal error stops the node; a fence is
 * kept until {@link #reclaim()} takes the node back; a commit whose outcome Kafka did not say is
 * kept until {@link #settle()} finds it out (never redone, never aborted meanwhile); any other
 * error aborts the transaction. After all but the first the node rewinds to {@link #state()} and
 * {@link #positions()}. Used from the loop thread.
 */
final class CommitBook {
  private final ProducerSession session;
  private final NodeMetrics metrics;
  private final Clock clock;
  private final int nodeId;
  private NodeState state;
  private Map<TopicPartition, Long> positions;
  private long transaction;
  private KafkaException fencedBy;
  private Attempt attempt;

  /** A book whose last commit is {@code state} at {@code positions}, read when the node started. */
  CommitBook(
      ProducerSession session,
      NodeMetrics metrics,
      Clock clock,
      int nodeId,
      NodeState state,
      Map<TopicPartition, Long> positions) {
    this.session = session;
    this.metrics = metrics;
    this.clock = clock;
    this.nodeId = nodeId;
    this.state = state;
    this.positions = Map.copyOf(positions);
  }

  /** The state of the last commit. */
  NodeState state() {
    return state;
  }

  /** Per input, the position of the last commit. */
  Map<TopicPartition, Long> positions() {
    return positions;
  }

  /**
   * Commits the open transaction with {@code next}'s checkpoint and the offsets {@code at}; on
   * success they are the last commit. A commit whose outcome Kafka did not say is kept for {@link
   * #settle()}; the error is thrown either way.
   */
  void commit(
      NodeState next,
      Map<TopicPartition, Long> at,
      Supplier<ConsumerGroupMetadata> group,
      boolean running) {
    session.checkpoints().append(CheckpointCodec.encode(next, transaction + 1, clock.millis()));
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    at.forEach((tp, pos) -> offsets.put(tp, new OffsetAndMetadata(pos)));
    metrics.probe().committing();
    long commitStart = System.nanoTime();
    try {
      session.commit(offsets, group.get(), running);
    } catch (KafkaException e) {
      attempt = session.unsettled() ? new Attempt(next, Map.copyOf(at)) : null;
      throw e;
    }
    metrics.committed(System.nanoTime() - commitStart);
    made(next, at);
  }

  /** Whether a fencing error waits for {@link #reclaim()}. */
  boolean fenced() {
    return fencedBy != null;
  }

  /**
   * Whether a fence waits for {@link #reclaim()} or a commit of unknown outcome for {@link
   * #settle()}: until then the node must not commit.
   */
  boolean pending() {
    return fencedBy != null || session.unsettled();
  }

  /**
   * After a failed transaction: stops the node on a fatal error, keeps a fence for {@link
   * #reclaim()} and an unsettled commit for {@link #settle()}, and aborts the transaction
   * otherwise. True when it aborted: the node then rewinds to the last commit; false when nothing
   * changed (an abort that failed is retried when the next round fails again).
   *
   * @throws NodeLoop.FatalNodeError on a fatal error
   */
  boolean failed(KafkaException e) {
    Optional<String> fatal = KafkaErrors.fatal(e);
    if (fatal.isPresent()) {
      throw new NodeLoop.FatalNodeError("node " + nodeId + " stopped: " + fatal.get());
    }
    if (fencedBy != null || KafkaErrors.fenced(e)) {
      fencedBy = fencedBy == null ? e : fencedBy;
      return false; // the next round reclaims (again)
    }
    if (session.unsettled()) {
      return false; // the next round finds out whether the commit went through
    }
    metrics.aborted();
    try {
      session.abort();
    } catch (KafkaException abortFailed) {
      KafkaErrors.fatal(abortFailed)
          .ifPresent(
              why -> {
                throw new NodeLoop.FatalNodeError("node " + nodeId + " stopped: " + why);
              });
      if (KafkaErrors.fenced(abortFailed)) {
        fencedBy = abortFailed;
      }
      return false; // still open: the next round fails again and retries the abort
    }
    return true;
  }

  /**
   * After a fencing error: takes the node back, or stops it (in {@link ProducerSession#reclaim})
   * when a second instance took over. The node then rewinds to its last commit and claims it.
   */
  void reclaim() {
    session.reclaim(fencedBy);
    fencedBy = null;
  }

  /**
   * After a commit whose outcome Kafka did not say: takes it as made when it went through (see
   * {@link ProducerSession#settle}). The node then rewinds to the last commit either way.
   */
  void settle() {
    if (session.settle() && attempt != null) {
      made(attempt.state(), attempt.positions());
    } else {
      metrics.aborted();
    }
    attempt = null;
  }

  /**
   * Drops the open transaction and replaces the producer, so nothing uncommitted survives; the node
   * then rewinds to the last commit.
   */
  void abandon() {
    session.abort();
    session.renew();
  }

  /** Takes {@code next} at {@code at} as the node's last commit. */
  private void made(NodeState next, Map<TopicPartition, Long> at) {
    transaction++;
    state = next;
    positions = Map.copyOf(at);
  }

  /** The state and positions a commit carried, kept until Kafka says whether it went through. */
  private record Attempt(NodeState state, Map<TopicPartition, Long> positions) {}
}
