package io.snapbank.auditor.core;

import java.util.List;
import java.util.Optional;

/**
 * The result of one event: the snapshot's next state (empty: the auditor holds nothing for it) and
 * the effects to carry out, in order.
 */
public record Transition(Optional<SnapshotState> next, List<Effect> effects) {
  public Transition {
    effects = List.copyOf(effects);
  }

  /** Stays in (or moves to) {@code state} with these effects. */
  public static Transition to(SnapshotState state, Effect... effects) {
    return new Transition(Optional.of(state), List.of(effects));
  }

  /** Holds nothing for the snapshot, with these effects. */
  public static Transition none(Effect... effects) {
    return new Transition(Optional.empty(), List.of(effects));
  }

  /** The effects of one kind, in order. */
  public <T extends Effect> List<T> effects(Class<T> kind) {
    return effects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
