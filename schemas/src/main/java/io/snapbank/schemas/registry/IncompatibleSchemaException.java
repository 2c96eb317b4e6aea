package io.snapbank.schemas.registry;

import java.util.List;

/**
 * A writer schema that the schema store refuses: it is not compatible both ways with a registered
 * version of its subject. The message is one line for the operator; nothing was registered.
 */
public final class IncompatibleSchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<SchemaCheck> refused;

  public IncompatibleSchemaException(String store, List<SchemaCheck> refused) {
    super(
        "schema store "
            + store
            + " refuses "
            + String.join(" and ", refused.stream().map(SchemaCheck::line).toList())
            + "; nothing was registered");
    this.refused = List.copyOf(refused);
  }

  /** The refused schemas with their reasons. */
  public List<SchemaCheck> refused() {
    return refused;
  }
}
