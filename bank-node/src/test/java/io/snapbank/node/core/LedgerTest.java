package io.snapbank.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {
  @Test
  void when_debit_exceeds_balance_then_refused_and_balance_unchanged() {
    Ledger l = new Ledger(Map.of("a", 10L));
    assertEquals(Ledger.Debit.INSUFFICIENT_FUNDS, l.debit("a", 11));
    assertEquals(10, l.balance("a"));
    assertEquals(Ledger.Debit.DONE, l.debit("a", 10));
    assertEquals(0, l.balance("a"));
    assertEquals(Ledger.Debit.UNKNOWN_ACCOUNT, l.debit("z", 1));
    assertEquals(Ledger.Debit.INVALID_AMOUNT, l.debit("a", 0));
  }

  @Test
  void when_accounts_change_then_balances_and_total_follow() {
    Ledger l = new Ledger(Map.of("a", 10L, "b", 5L, "c", 1L));
    l.debit("a", 3);
    l.credit("b", 3);
    assertEquals(Map.of("a", 7L, "b", 8L, "c", 1L), l.capture());
    assertEquals(16, l.total());
  }

  @Test
  void when_credit_is_invalid_or_opening_negative_then_rejected() {
    Ledger l = new Ledger(Map.of("a", 10L));
    assertThrows(IllegalArgumentException.class, () -> l.credit("a", -1));
    assertThrows(IllegalArgumentException.class, () -> l.credit("x", 1));
    assertThrows(IllegalArgumentException.class, () -> new Ledger(Map.of("a", -1L)));
  }
}
