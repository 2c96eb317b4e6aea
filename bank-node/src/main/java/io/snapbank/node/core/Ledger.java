package io.snapbank.node.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Balances of the accounts one node owns, in integer minor units. A balance never goes negative: a
 * debit larger than the balance is refused. Not thread-safe.
 */
public final class Ledger implements SnapshotEngine.StateSource {
  /** Result of a debit. */
  public enum Debit {
    DONE,
    INSUFFICIENT_FUNDS,
    UNKNOWN_ACCOUNT,
    INVALID_AMOUNT
  }

  private final HashMap<String, Long> balances; // sorted where it is read out

  public Ledger(Map<String, Long> opening) {
    this.balances = new HashMap<>(opening);
    for (Map.Entry<String, Long> e : balances.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("negative opening balance for " + e.getKey());
      }
    }
  }

  public boolean owns(String account) {
    return balances.containsKey(account);
  }

  public long balance(String account) {
    Long b = balances.get(account);
    if (b == null) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    return b;
  }

  public SortedSet<String> accounts() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(balances.keySet()));
  }

  /** Sum of all balances. */
  public long total() {
    long t = 0;
    for (long b : balances.values()) {
      t += b;
    }
    return t;
  }

  public Debit debit(String account, long amount) {
    if (amount <= 0) {
      return Debit.INVALID_AMOUNT;
    }
    Long b = balances.get(account);
    if (b == null) {
      return Debit.UNKNOWN_ACCOUNT;
    }
    if (b < amount) {
      return Debit.INSUFFICIENT_FUNDS;
    }
    balances.put(account, b - amount);
    return Debit.DONE;
  }

  /** Credits an owned account; the caller has validated account and amount. */
  public void credit(String account, long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("credit must be positive: " + amount);
    }
    Long b = balances.get(account);
    if (b == null) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    balances.put(account, Math.addExact(b, amount));
  }

  @Override
  public SortedMap<String, Long> capture() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(balances));
  }
}
