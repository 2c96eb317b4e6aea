package io.snapbank.node.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What a running node tells its monitoring, beyond the figures of {@link NodeStats}: the Kafka
 * clients it opened, how long each commit took and how far behind it reads each incoming channel.
 * Every method is called on the node's loop thread and must return quickly; the defaults do
 * nothing.
 */
public interface NodeProbe {
  /** A probe that ignores everything. */
  NodeProbe NONE = new NodeProbe() {};

  /** The node's transactional producer, opened at start and again on every renewal. */
  default void producerOpened(Producer<?, ?> producer) {}

  /** The consumer of the node's inputs (its channels, the requests, the aborts, the epoch log). */
  default void consumerOpened(Consumer<?, ?> consumer) {}

  /** A transaction is about to commit: its records are sent, its offsets not yet. */
  default void committing() {}

  /** A transaction committed; {@code nanos} from sending its offsets to the commit's return. */
  default void committed(long nanos) {}

  /** The records of the incoming channel from {@code sender} the node has not read yet. */
  default void incomingLag(int sender, long records) {}

  /** The node stopped (cleanly or not); its clients are closed. */
  default void stopped() {}
}
