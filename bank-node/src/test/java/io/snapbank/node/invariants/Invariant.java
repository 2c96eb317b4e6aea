package io.snapbank.node.invariants;

import java.util.List;

/**
 * A property every committed history of the bank must have. Pure: the same observation gives the
 * same findings, so the simulator and the Kafka tests check the very same objects.
 */
public interface Invariant {
  /** A short name, used in failure messages. */
  String name();

  /** What does not hold in {@code o}, one line each; empty when the invariant holds. */
  List<String> violations(BankObservation o);
}
