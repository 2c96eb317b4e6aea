package io.snapbank.node.core;

import java.util.List;

/** A change of the bank's members that a node applies: an entry of the epoch log. */
public sealed interface MembershipChange
    permits MembershipChange.Joined, MembershipChange.Leaving, MembershipChange.Left {
  /** The epoch the change starts. */
  long epoch();

  /** Node {@code nodeId} became a member: every member gets a channel to and from it. */
  record Joined(long epoch, int nodeId) implements MembershipChange {}

  /**
   * Node {@code nodeId} leaves: the members close their channels to it with a final record; it
   * drains, moving its money to {@code heirs} in turn, and closes its own.
   */
  record Leaving(long epoch, int nodeId, List<AccountRef> heirs) implements MembershipChange {
    public Leaving {
      heirs = List.copyOf(heirs);
    }
  }

  /** Node {@code nodeId} is gone: its (closed) channels are dropped. */
  record Left(long epoch, int nodeId) implements MembershipChange {}
}
