package io.snapbank.node.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One partition of the simulated Kafka: committed records with offsets. Like Kafka, a transaction
 * that wrote to the partition leaves a control record behind it, so offsets are not counts.
 */
final class SimLog {
  /** A committed record. */
  record Entry(long offset, byte[] value, Object decoded) {}

  private final List<Entry> entries = new ArrayList<>();
  private long next;

  /** Appends a record; returns its offset. */
  long append(byte[] value, Object decoded) {
    long offset = next++;
    entries.add(new Entry(offset, value, decoded));
    return offset;
  }

  /** A transaction that wrote here committed: its control record takes an offset. */
  void controlRecord() {
    next++;
  }

  /** The first record at or after {@code position}, or null. */
  Entry at(long position) {
    int i = indexAt(position);
    return i < entries.size() ? entries.get(i) : null;
  }

  /** Records at or after {@code position}. */
  long remaining(long position) {
    return entries.size() - indexAt(position);
  }

  private int indexAt(long position) {
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).offset() < position) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  List<Entry> entries() {
    return entries;
  }

  long end() {
    return next;
  }
}
