package io.snapbank.schemas.registry;

import org.apache.kafka.common.KafkaException;

/**
 * The schema store could not be read now. A record whose writer schema had to be looked up is not
 * known to be bad: it must be read again later, never quarantined. A {@link KafkaException}, so a
 * node's loop rewinds and retries as for any other Kafka error that is not fatal.
 */
public final class SchemaStoreUnavailableException extends KafkaException {
  private static final long serialVersionUID = 1L;

  public SchemaStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
