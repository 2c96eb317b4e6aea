package io.snapbank.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a run, drawn from {@code new Random(seed)} alone: every kind at least once, one
 * round of all kinds per started minute, in a shuffled order, each in its own slot of the run at a
 * random point of the slot's first half, on a random node.
 */
record FaultSchedule(long seed, List<Fault> faults) {

  FaultSchedule {
    faults = List.copyOf(faults);
  }

  /** The schedule of {@code settings}. */
  static FaultSchedule plan(FaultSettings settings) {
    Random random = new Random(settings.seed());
    long durationMs = settings.duration().toMillis();
    int rounds = (int) Math.max(1, durationMs / 60_000);
    List<FaultKind> kinds = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      kinds.addAll(List.of(FaultKind.values()));
    }
    Collections.shuffle(kinds, random);
    long slot = durationMs / kinds.size();
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      FaultKind kind = kinds.get(i);
      long at = i * slot + (long) (random.nextDouble() * slot / 2);
      int node = random.nextInt(settings.nodes());
      long hold =
          switch (kind) {
            case BROKER_PAUSE -> settings.brokerPause().toMillis();
            case NODE_PAUSE -> 2_000 + random.nextInt(6_000);
            default -> random.nextInt(2_000);
          };
      faults.add(new Fault(at, kind, node, hold));
    }
    return new FaultSchedule(settings.seed(), faults);
  }
}
