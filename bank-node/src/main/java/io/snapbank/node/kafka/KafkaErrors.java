package io.snapbank.node.kafka;

import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one classification of a node's Kafka errors, after Kafka's own {@code
 * ExactlyOnceMessageProcessor}: fatal errors stop the node with a message for the operator; any
 * other error is abortable: the node aborts its transaction and rewinds to its last commit.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  /** Why {@code e} stops the node for good, or empty when abort-and-rewind recovers from it. */
  static Optional<String> fatal(KafkaException e) {
    if (e instanceof ProducerFencedException) {
      return Optional.of(
          "ProducerFencedException: "
              + e.getMessage()
              + " (another instance of this node is running)");
    }
    if (e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException
        || e instanceof AuthenticationException
        || e instanceof UnsupportedVersionException
        || e instanceof InvalidPidMappingException) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
