package io.snapbank.schemas.registry;

import java.util.List;

/**
 * Writer schemas are missing from the schema store and this client may not register them (Kafka's
 * ACLs grant it only reading the store). Not retried: the schemas must be registered by a principal
 * that may write the store (the admin at {@code init}, or the operator with {@code snapbank schemas
 * register DIR}), then the process started again.
 */
public final class SchemaRegistrationRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SchemaRegistrationRefusedException(
      String store, List<RegisteredSchema> missing, Throwable cause) {
    super(
        "writer schemas "
            + missing.stream().map(r -> r.subject() + " " + r.fingerprint().hex()).toList()
            + " are not registered in "
            + store
            + " and this principal may not register them ("
            + cause.getMessage()
            + "); register them as the operator or admin with 'snapbank schemas register DIR'",
        cause);
  }
}
