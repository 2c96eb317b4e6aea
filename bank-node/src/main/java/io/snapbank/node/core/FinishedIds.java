package io.snapbank.node.core;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/** The most recent {@code capacity} snapshot ids that finished on a node, oldest first. */
final class FinishedIds {
  private final int capacity;
  private final LinkedHashSet<Long> ids = new LinkedHashSet<>();

  FinishedIds(int capacity) {
    this.capacity = Math.max(1, capacity);
  }

  void add(long id) {
    ids.add(id);
    if (ids.size() > capacity) {
      Iterator<Long> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  boolean contains(long id) {
    return ids.contains(id);
  }

  void replace(List<Long> saved) {
    ids.clear();
    saved.forEach(this::add);
  }

  List<Long> list() {
    return List.copyOf(ids);
  }
}
