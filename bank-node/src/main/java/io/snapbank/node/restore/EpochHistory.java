package io.snapbank.node.restore;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelOrder;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.epoch.EpochMoney;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bank's epoch log as read: every entry by epoch number, and the genesis (epoch 0) members.
 * Immutable.
 */
public final class EpochHistory {
  private final TreeMap<Long, BankEpoch> epochs = new TreeMap<>();
  private final List<Integer> genesisMembers;
  private final int lanes;
  private final ChannelOrder order;

  /** The history of a bank whose FIFO channels have one lane each. */
  public EpochHistory(List<Integer> genesisMembers, List<BankEpoch> entries) {
    this(genesisMembers, entries, 1, ChannelOrder.FIFO);
  }

  /** The history of a bank whose channels have {@code lanes} lanes each and keep {@code order}. */
  public EpochHistory(
      List<Integer> genesisMembers, List<BankEpoch> entries, int lanes, ChannelOrder order) {
    this.genesisMembers = List.copyOf(genesisMembers);
    this.lanes = lanes;
    this.order = order;
    for (BankEpoch e : entries) {
      epochs.put(e.getEpoch(), e);
    }
  }

  /** This history with entry {@code e} added (one already held changes nothing). */
  public EpochHistory with(BankEpoch e) {
    if (epochs.containsKey(e.getEpoch())) {
      return this;
    }
    List<BankEpoch> all = new ArrayList<>(epochs.values());
    all.add(e);
    return new EpochHistory(genesisMembers, all, lanes, order);
  }

  /** The latest epoch (0 when the log is empty). */
  public long current() {
    return epochs.isEmpty() ? 0 : epochs.lastKey();
  }

  /** The epoch of the last restore at or before {@code epoch} (0 for none). */
  public long incarnationAt(long epoch) {
    BankEpoch e = entryAt(epoch);
    return e == null ? 0 : e.getIncarnation();
  }

  /** The members in {@code epoch}. */
  public List<Integer> membersAt(long epoch) {
    BankEpoch e = entryAt(epoch);
    return e == null ? genesisMembers : List.copyOf(e.getMembers());
  }

  /** The entry of {@code epoch}, if the log holds it. */
  public Optional<BankEpoch> entry(long epoch) {
    return Optional.ofNullable(epochs.get(epoch));
  }

  /** The JOIN that admitted {@code node}, if one did. */
  public Optional<BankEpoch> joinOf(int node) {
    return epochs.values().stream()
        .filter(e -> e.getKind() == EpochKind.JOIN && e.getJoined().getNodeId() == node)
        .findFirst();
  }

  /** The LEFT that ended {@code node}'s membership, if one did. */
  public Optional<BankEpoch> leftOf(int node) {
    return epochs.values().stream()
        .filter(e -> e.getKind() == EpochKind.LEFT && e.getLeaving().getNodeId() == node)
        .findFirst();
  }

  /** The latest entry if it is a LEAVE: a node is still draining. */
  public Optional<BankEpoch> draining() {
    return epochs.isEmpty() || epochs.lastEntry().getValue().getKind() != EpochKind.LEAVE
        ? Optional.empty()
        : Optional.of(epochs.lastEntry().getValue());
  }

  /** Every node that ever was a member (the next node id is one above the highest). */
  public SortedSet<Integer> everMembers() {
    TreeSet<Integer> all = new TreeSet<>(genesisMembers);
    epochs.values().forEach(e -> all.addAll(e.getMembers()));
    return all;
  }

  /**
   * Every member's accounts and opening balances at {@code epoch}: the genesis accounts and those
   * of the nodes that joined, without the nodes that are gone.
   */
  public BankAccounts accountsAt(long epoch, BankAccounts genesis) {
    TreeMap<Integer, SortedMap<String, Long>> m = new TreeMap<>();
    for (int node : membersAt(epoch)) {
      TreeMap<String, Long> own = new TreeMap<>(genesis.openingOf(node));
      joinOf(node)
          .filter(j -> j.getEpoch() <= epoch)
          .ifPresent(
              j ->
                  j.getJoined()
                      .getAccounts()
                      .forEach(a -> own.put(a.getAccount(), a.getBalance())));
      m.put(node, own);
    }
    return new BankAccounts(m);
  }

  /**
   * The accounts a member may send to in {@code epoch}: every member's ({@link #accountsAt}), but
   * none of a node that is leaving in that epoch (it takes no new money while it drains).
   */
  public BankAccounts targetsAt(long epoch, BankAccounts genesis) {
    BankAccounts all = accountsAt(epoch, genesis);
    Optional<BankEpoch> leave = entry(epoch).filter(e -> e.getKind() == EpochKind.LEAVE);
    if (leave.isEmpty()) {
      return all;
    }
    TreeMap<Integer, SortedMap<String, Long>> m = new TreeMap<>(all.opening());
    m.remove(leave.get().getLeaving().getNodeId());
    return new BankAccounts(m);
  }

  /**
   * The state a member that never committed starts from: if a JOIN admitted it, in the JOIN's epoch
   * with the JOIN's opening balances and channels to that epoch's members; else at the genesis with
   * its genesis accounts.
   */
  public NodeState startingState(int node, BankAccounts genesis) {
    Optional<BankEpoch> join = joinOf(node);
    if (join.isEmpty()) {
      return NodeState.initial(
          NodeTopology.among(node, membersAt(0)).withLanes(lanes).withOrder(order),
          genesis.openingOf(node));
    }
    BankEpoch j = join.get();
    TreeMap<String, Long> opening = new TreeMap<>();
    j.getJoined().getAccounts().forEach(a -> opening.put(a.getAccount(), a.getBalance()));
    NodeState initial =
        NodeState.initial(
            NodeTopology.among(node, membersAt(j.getEpoch())).withLanes(lanes).withOrder(order),
            opening);
    return new NodeState(
        node,
        initial.balances(),
        initial.engine(),
        initial.sent(),
        initial.received(),
        0,
        j.getEpoch(),
        incarnationAt(j.getEpoch()));
  }

  /**
   * The total every snapshot of {@code epoch} must account for, from the genesis total {@code
   * genesisTotal} ({@link EpochMoney}).
   */
  public long expectedTotalAt(long epoch, long genesisTotal) {
    long total = genesisTotal;
    for (BankEpoch e : epochs.headMap(epoch, true).values()) {
      total = EpochMoney.totalAfter(total, e);
    }
    return total;
  }

  /** Every entry, oldest first. */
  public List<BankEpoch> entries() {
    return new ArrayList<>(epochs.values());
  }

  /** The restores, oldest first. */
  public List<BankEpoch> restores() {
    return epochs.values().stream().filter(e -> e.getKind() == EpochKind.RESTORE).toList();
  }

  private BankEpoch entryAt(long epoch) {
    NavigableMap<Long, BankEpoch> upTo = epochs.headMap(epoch, true);
    return upTo.isEmpty() ? null : upTo.lastEntry().getValue();
  }
}
