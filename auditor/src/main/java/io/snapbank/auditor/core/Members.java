package io.snapbank.auditor.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The nodes of the bank in one epoch: the genesis's 0..N-1, then whatever the membership changes
 * leave (ids need not be contiguous: after a leave, [0, 2, 3]). A snapshot of that epoch covers
 * exactly these nodes and the channels between them. Immutable.
 */
public record Members(SortedSet<Integer> ids) {
  /** No member known: no node can be named missing. */
  public static final Members NONE = new Members(new TreeSet<>());

  public Members {
    ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }

  /** Nodes 0..n-1, as at a genesis of {@code n} nodes. */
  public static Members range(int n) {
    TreeSet<Integer> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(i);
    }
    return new Members(ids);
  }

  /** These node ids. */
  public static Members of(Collection<Integer> ids) {
    return new Members(new TreeSet<>(ids));
  }

  /** These node ids. */
  public static Members of(Integer... ids) {
    return of(List.of(ids));
  }

  public boolean contains(int node) {
    return ids.contains(node);
  }

  public int size() {
    return ids.size();
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }

  /** The ids, ascending. */
  public List<Integer> list() {
    return new ArrayList<>(ids);
  }

  /** Those of {@code nodes} that are members, in their order. */
  public List<Integer> retain(Collection<Integer> nodes) {
    List<Integer> out = new ArrayList<>();
    for (int n : nodes) {
      if (contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** {@code [0, 2, 3]}. */
  @Override
  public String toString() {
    return ids.toString();
  }
}
