package io.snapbank.schemas.epoch;

import io.snapbank.schemas.BankEpoch;

/**
 * The money rule of the epoch log, in one place: the total every snapshot of an epoch must account
 * for. A RESTORE sets it to the restored cut's total; any other entry adds the money it brings in
 * (a joining node's opening deposits) and subtracts the money it takes out.
 */
public final class EpochMoney {
  private EpochMoney() {}

  /** The bank's expected total in epoch {@code e}, given the total {@code before} it. */
  public static long totalAfter(long before, BankEpoch e) {
    if (e.getRestore() != null) {
      return e.getRestore().getExpectedTotal();
    }
    return Math.subtractExact(Math.addExact(before, e.getMoneyIn()), e.getMoneyOut());
  }
}
