package io.snapbank.node.kafka;

import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one classification of a node's Kafka errors, after Kafka's own {@code
 * ExactlyOnceMessageProcessor}, with one more kind. Fencing errors say the producer's epoch moved
 * on: another instance of the node started, or the coordinator aborted a transaction that outlived
 * its timeout; the producer is unusable and the session {@link ProducerSession#reclaim decides}
 * which it was. Fatal errors stop the node with a message for the operator. Any other error is
 * abortable: the node aborts its transaction and rewinds to its last commit.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  /**
   * Whether {@code e} (or what caused it) says the producer's epoch moved on: fenced, an invalid
   * epoch, a transaction state the coordinator changed under it (KIP-890 aborts bump the epoch), or
   * a producer id the coordinator no longer maps.
   */
  static boolean fenced(KafkaException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof InvalidTxnStateException
          || t instanceof InvalidPidMappingException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Why {@code e} stops the node for good, or empty when the node recovers from it. */
  static Optional<String> fatal(KafkaException e) {
    if (fenced(e)) {
      return Optional.empty();
    }
    if (e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException
        || e instanceof AuthenticationException
        || e instanceof UnsupportedVersionException) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
