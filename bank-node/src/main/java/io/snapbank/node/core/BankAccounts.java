package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bank's accounts: which node owns each, and its opening balance. Immutable.
 *
 * @param opening node id → (account → opening balance, minor units)
 */
public record BankAccounts(SortedMap<Integer, SortedMap<String, Long>> opening) {
  public BankAccounts {
    TreeMap<Integer, SortedMap<String, Long>> copy = new TreeMap<>();
    TreeMap<String, Integer> owner = new TreeMap<>();
    opening.forEach(
        (node, accounts) -> {
          for (var e : accounts.entrySet()) {
            if (e.getValue() < 0) {
              throw new IllegalArgumentException("negative opening balance for " + e.getKey());
            }
            Integer other = owner.put(e.getKey(), node);
            if (other != null) {
              throw new IllegalArgumentException(
                  "account " + e.getKey() + " belongs to nodes " + other + " and " + node);
            }
          }
          copy.put(node, Collections.unmodifiableSortedMap(new TreeMap<>(accounts)));
        });
    opening = Collections.unmodifiableSortedMap(copy);
  }

  /** The nodes that own accounts, ascending. */
  public List<Integer> nodes() {
    return List.copyOf(opening.keySet());
  }

  /** Node {@code node}'s accounts, ascending (empty for an unknown node). */
  public List<String> accountsOf(int node) {
    return new ArrayList<>(openingOf(node).keySet());
  }

  /** Node {@code node}'s opening balances (empty for an unknown node). */
  public SortedMap<String, Long> openingOf(int node) {
    return opening.getOrDefault(node, Collections.emptySortedMap());
  }

  /** Whether {@code account} is one of node {@code node}'s. */
  public boolean owns(int node, String account) {
    return openingOf(node).containsKey(account);
  }

  /** All opening balances added up. */
  public long total() {
    long t = 0;
    for (SortedMap<String, Long> m : opening.values()) {
      for (long b : m.values()) {
        t = Math.addExact(t, b);
      }
    }
    return t;
  }
}
