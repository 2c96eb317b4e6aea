package io.snapbank.node.invariants;

import java.util.ArrayList;
import java.util.List;

/** The bank's invariants, and one way to check a set of them. */
public final class Invariants {
  public static final Invariant CONSERVATION = new Conservation();
  public static final Invariant CREDITED_EXACTLY_ONCE = new CreditedExactlyOnce();
  public static final Invariant FIFO_PER_CHANNEL = new FifoPerChannel();
  public static final Invariant CONSISTENT_CUT = new ConsistentCut(true);

  /** The consistent-cut checks that do not re-read the logs (for logs that are not FIFO). */
  public static final Invariant CONSISTENT_CUT_WITHOUT_LOGS = new ConsistentCut(false);

  private Invariants() {}

  /** Every invariant, for histories on FIFO channels. */
  public static List<Invariant> all() {
    return List.of(CONSERVATION, CREDITED_EXACTLY_ONCE, FIFO_PER_CHANNEL, CONSISTENT_CUT);
  }

  /** The findings of {@code invariants} on {@code o}, each prefixed with its invariant's name. */
  public static List<String> violations(List<Invariant> invariants, BankObservation o) {
    List<String> out = new ArrayList<>();
    for (Invariant i : invariants) {
      for (String v : i.violations(o)) {
        out.add(i.name() + ": " + v);
      }
    }
    return out;
  }

  /** Throws {@link AssertionError} with {@code context} and every finding, if there is one. */
  public static void assertHold(List<Invariant> invariants, BankObservation o, String context) {
    List<String> v = violations(invariants, o);
    if (!v.isEmpty()) {
      throw new AssertionError(context + ": " + String.join("; ", v));
    }
  }
}
