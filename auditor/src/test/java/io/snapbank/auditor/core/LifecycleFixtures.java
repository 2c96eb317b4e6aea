package io.snapbank.auditor.core;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.LocalSnapshotReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Banks, reports and lifecycles for the lifecycle tests. */
final class LifecycleFixtures {
  static final long TIMEOUT_MS = 10_000;

  /** When the fixtures' snapshots were requested: the requestedAtMs their reports carry. */
  static final long REQUESTED_AT_MS = 900;

  private LifecycleFixtures() {}

  /** A bank of {@code nodes} nodes with one account of 100 each. */
  static BankGenesis genesis(int nodes) {
    List<GenesisAccount> accounts = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      accounts.add(new GenesisAccount(n, "n" + n + "-a000", 100L));
    }
    return new BankGenesis(
        nodes, 100L * nodes, accounts, 0L, "", 1, io.snapbank.schemas.ChannelOrder.FIFO, 1);
  }

  /** The lifecycle of a bank of {@code nodes} nodes. */
  static SnapshotLifecycle bank(int nodes) {
    return new SnapshotLifecycle(Optional.of(genesis(nodes)), TIMEOUT_MS);
  }

  /** The lifecycle before the genesis is known. */
  static SnapshotLifecycle noGenesis() {
    return SnapshotLifecycle.of(TIMEOUT_MS);
  }

  /**
   * Node {@code node}'s consistent report of snapshot {@code id} in a bank of {@code nodes}: its
   * 100, and an empty channel from every other node.
   */
  static LocalSnapshotReport report(long id, int node, int nodes) {
    return report(id, node, Members.range(nodes), 0, 100);
  }

  /**
   * Node {@code node}'s report of snapshot {@code id}, recorded in {@code epoch} whose members are
   * {@code members}: one account holding {@code balance} (none when it is 0: a drained node), and
   * an empty channel from every other member.
   */
  static LocalSnapshotReport report(long id, int node, Members members, long epoch, long balance) {
    List<ChannelState> chans = new ArrayList<>();
    for (int from : members.ids()) {
      if (from != node) {
        chans.add(new ChannelState(from, node, 5L, 5L, 0L, 0L, 4L, 0, -1L));
      }
    }
    List<AccountBalance> balances = new ArrayList<>();
    if (balance != 0) {
      balances.add(new AccountBalance("n" + node + "-a000", balance));
    }
    return new LocalSnapshotReport(
        id,
        node,
        REQUESTED_AT_MS,
        1_000L,
        1_001L,
        balances,
        chans,
        List.of(),
        List.of(),
        epoch,
        0L);
  }

  /** Applies {@code events} in order to {@code state} and returns the last transition. */
  static Transition run(
      SnapshotLifecycle l, Optional<SnapshotState> state, SnapshotEvent... events) {
    Transition t = null;
    Optional<SnapshotState> s = state;
    for (SnapshotEvent e : events) {
      t = l.apply(s, e);
      s = t.next();
    }
    return t;
  }

  static SnapshotEvent.Reported reported(long id, int node, int nodes, long atMs) {
    return new SnapshotEvent.Reported(report(id, node, nodes), atMs);
  }

  /**
   * The request of snapshot {@code id}, made at {@link #REQUESTED_AT_MS} (when the reports say it
   * was), naming no epoch, seen at {@code atMs}.
   */
  static SnapshotEvent.Requested requested(long id, long atMs) {
    return new SnapshotEvent.Requested(id, REQUESTED_AT_MS, atMs);
  }

  /**
   * Applies the request of snapshot {@code id} and then reports of {@code nodes} (in order) to an
   * unseen snapshot, all seen at 1 000 ms, and returns the state: the usual order, in which the
   * last report completes the snapshot.
   */
  static SnapshotState after(SnapshotLifecycle l, long id, int bankSize, int... nodes) {
    return reportsOnto(
        l, l.apply(Optional.empty(), requested(id, 1_000)).next(), id, bankSize, nodes);
  }

  /**
   * Applies reports of {@code nodes} (in order) to an unseen snapshot whose request has not been
   * read, all seen at 1 000 ms, and returns the state (never complete: the request is awaited).
   */
  static SnapshotState unrequested(SnapshotLifecycle l, long id, int bankSize, int... nodes) {
    return reportsOnto(l, Optional.empty(), id, bankSize, nodes);
  }

  private static SnapshotState reportsOnto(
      SnapshotLifecycle l, Optional<SnapshotState> s, long id, int bankSize, int... nodes) {
    for (int n : nodes) {
      s = l.apply(s, reported(id, n, bankSize, 1_000)).next();
    }
    return s.orElseThrow();
  }
}
