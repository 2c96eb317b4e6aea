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

  /** One account's balance, changed in place: a transfer costs one lookup and no boxing. */
  private static final class Balance {
    long value;

    Balance(long value) {
      this.value = value;
    }
  }

  private final HashMap<String, Balance> balances = new HashMap<>(); // sorted where it is read out

  public Ledger(Map<String, Long> opening) {
    for (Map.Entry<String, Long> e : new TreeMap<>(opening).entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("negative opening balance for " + e.getKey());
      }
      balances.put(e.getKey(), new Balance(e.getValue()));
    }
  }

  public boolean owns(String account) {
    return balances.containsKey(account);
  }

  public long balance(String account) {
    Balance b = balances.get(account);
    if (b == null) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    return b.value;
  }

  public SortedSet<String> accounts() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(balances.keySet()));
  }

  /** Sum of all balances. */
  public long total() {
    long t = 0;
    for (Balance b : balances.values()) {
      t += b.value;
    }
    return t;
  }

  public Debit debit(String account, long amount) {
    if (amount <= 0) {
      return Debit.INVALID_AMOUNT;
    }
    Balance b = balances.get(account);
    if (b == null) {
      return Debit.UNKNOWN_ACCOUNT;
    }
    if (b.value < amount) {
      return Debit.INSUFFICIENT_FUNDS;
    }
    b.value -= amount;
    return Debit.DONE;
  }

  /** Credits an owned account; the caller has validated account and amount. */
  public void credit(String account, long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("credit must be positive: " + amount);
    }
    Balance b = balances.get(account);
    if (b == null) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    b.value = Math.addExact(b.value, amount);
  }

  @Override
  public SortedMap<String, Long> capture() {
    TreeMap<String, Long> out = new TreeMap<>();
    balances.forEach((account, b) -> out.put(account, b.value));
    return Collections.unmodifiableSortedMap(out);
  }
}
