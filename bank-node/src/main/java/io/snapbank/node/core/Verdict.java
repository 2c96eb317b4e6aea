package io.snapbank.node.core;

/**
 * What {@link ChannelRule} decides about one channel record.
 *
 * @param kind accept, set aside, or stop
 * @param reason why it is set aside or stops the node (null when accepted)
 * @param detail one line for the quarantine record and the operator (empty when accepted)
 */
public record Verdict(Kind kind, QuarantineReason reason, String detail) {
  /** The three possible decisions. */
  public enum Kind {
    /** Apply it: credit a transfer, or act on a marker. */
    ACCEPT,
    /** Set it aside with a reason; the channel goes on. */
    QUARANTINE,
    /** The channel is broken (records were lost or reordered): set it aside and stop. */
    HALT,
    /**
     * Written in an abandoned timeline (an epoch before the receiver's last restore): consumed and
     * never applied.
     */
    SUPERSEDED,
    /** Written in an epoch the receiver has not reached yet: not consumed until it has. */
    WAIT
  }

  static final Verdict SUPERSEDED_RECORD = new Verdict(Kind.SUPERSEDED, null, "");
  static final Verdict WAIT_FOR_EPOCH = new Verdict(Kind.WAIT, null, "");

  static final Verdict ACCEPTED = new Verdict(Kind.ACCEPT, null, "");

  static Verdict quarantine(QuarantineReason reason, String detail) {
    return new Verdict(Kind.QUARANTINE, reason, detail);
  }

  public boolean accepted() {
    return kind == Kind.ACCEPT;
  }
}
