package io.snapbank.auditor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MoneyTest {
  @Test
  void when_minor_units_are_formatted_then_major_units_with_separators() {
    assertEquals("39,741.62", Money.format(3_974_162));
    assertEquals("0.05", Money.format(5));
    assertEquals("0.00", Money.format(0));
    assertEquals("-1,000.00", Money.format(-100_000));
    assertEquals("1,234,567,890.12", Money.format(123_456_789_012L));
    assertEquals("+12.30", Money.signed(1230));
    assertEquals("-12.30", Money.signed(-1230));
  }
}
