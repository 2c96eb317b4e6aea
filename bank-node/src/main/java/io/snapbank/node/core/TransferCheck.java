package io.snapbank.node.core;

/** Content checks of an incoming channel record, before its sequence number is looked at. Pure. */
public final class TransferCheck {
  private TransferCheck() {}

  /**
   * Returns why a record on channel {@code channelSender}→{@code self} must be quarantined, or null
   * when its content is acceptable. {@code amount} and {@code toAccount} are ignored for markers.
   */
  public static QuarantineReason check(
      int channelSender,
      int self,
      int claimedSender,
      int claimedReceiver,
      boolean marker,
      long amount,
      String toAccount,
      Ledger ledger) {
    if (claimedSender != channelSender) {
      return QuarantineReason.WRONG_SENDER;
    }
    if (claimedReceiver != self) {
      return QuarantineReason.WRONG_RECEIVER;
    }
    if (marker) {
      return null;
    }
    if (amount <= 0) {
      return QuarantineReason.NON_POSITIVE_AMOUNT;
    }
    if (!ledger.owns(toAccount)) {
      return QuarantineReason.UNKNOWN_ACCOUNT;
    }
    return null;
  }
}
