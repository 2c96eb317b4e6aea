package io.snapbank.node.kafka;

import io.snapbank.node.core.NodeMode;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.CutAccount;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.JoiningNode;
import io.snapbank.schemas.LeavingNode;
import io.snapbank.schemas.kafka.TopicCreation;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;

/**
 * Changes a running bank's members, through its epoch log ({@link EpochLogWriter}, the log's single
 * writer). {@link #add} creates the new node's channels and writes a JOIN; {@link #remove} writes a
 * LEAVE, waits until the leaving node has drained (moved its money to the heirs and closed its
 * channels), then writes the LEFT that ends its membership. One change at a time: a command that
 * finds another change still being applied is refused with one clear line and changes nothing. A
 * remove that was interrupted resumes where it stopped when run again. Not thread-safe.
 */
public final class MembershipController implements AutoCloseable {
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final BankTopics topics;
  private final BankReader reader;
  private final BankGenesis genesis;

  public MembershipController(String bootstrap, Map<String, String> overrides, BankTopics topics) {
    this.bootstrap = bootstrap;
    this.overrides = overrides;
    this.reader = new BankReader(bootstrap, overrides, topics);
    this.genesis = reader.requireGenesis();
    this.topics = topics.withLanes(genesis.getChannelPartitions());
  }

  /** The bank's genesis. */
  public BankGenesis genesis() {
    return genesis;
  }

  /** The bank's epoch log as it stands. */
  public EpochHistory history() {
    return reader.epochs(genesis);
  }

  /**
   * Admits a new node (the next id) with {@code accounts} accounts of {@code opening} each (money
   * entering the bank); returns the JOIN entry.
   */
  public BankEpoch add(int accounts, long opening, String by, long nowMs)
      throws InterruptedException {
    if (accounts < 1 || opening < 0) {
      throw new IllegalArgumentException("a node needs >= 1 account and an opening >= 0");
    }
    EpochHistory before = history();
    requireNoChange(before);
    int id = before.everMembers().last() + 1;
    createChannels(id, before.everMembers());
    long requests = reader.end(topics.snapshotRequests().name());
    long aborts = reader.end(topics.snapshotAborts().name());
    return EpochLogWriter.append(
        bootstrap,
        overrides,
        topics,
        genesis,
        history -> {
          requireNoChange(history);
          if (history.everMembers().contains(id)) {
            throw new IllegalStateException(
                "node id " + id + " was taken by a change made meanwhile; run the command again");
          }
          List<CutAccount> opened = new ArrayList<>();
          for (int a = 0; a < accounts; a++) {
            opened.add(new CutAccount(id, BankSetup.accountName(id, a), opening));
          }
          TreeSet<Integer> members = new TreeSet<>(history.membersAt(history.current()));
          members.add(id);
          return BankEpoch.newBuilder()
              .setEpoch(history.current() + 1)
              .setIncarnation(history.incarnationAt(history.current()))
              .setKind(EpochKind.JOIN)
              .setMembers(new ArrayList<>(members))
              .setCreatedAtMs(nowMs)
              .setRequestedBy(by)
              .setReason("node " + id + " joins")
              .setJoined(new JoiningNode(id, opened, requests, aborts))
              .setMoneyIn(Math.multiplyExact(opening, (long) accounts))
              .build();
        });
  }

  /**
   * Starts node {@code id}'s leave (its money goes to {@code heir}'s first account, or to every
   * other member's first account in turn when {@code heir} is empty) and returns the LEAVE entry; a
   * leave already started for {@code id} is returned as it is.
   */
  public BankEpoch startLeave(int id, Optional<Integer> heir, String by, long nowMs) {
    EpochHistory before = history();
    Optional<BankEpoch> draining = before.draining();
    if (draining.isPresent() && draining.get().getLeaving().getNodeId() == id) {
      return draining.get();
    }
    List<Integer> members = before.membersAt(before.current());
    if (!members.contains(id)) {
      throw new IllegalArgumentException(
          "node "
              + id
              + " is not a member of bank '"
              + topics.prefix()
              + "' (members "
              + members
              + ")");
    }
    if (members.size() == 1) {
      throw new IllegalArgumentException(
          "node " + id + " is the bank's last member; a bank needs at least one");
    }
    if (heir.isPresent() && (heir.get() == id || !members.contains(heir.get()))) {
      throw new IllegalArgumentException(
          "--to " + heir.get() + " must be another member (members " + members + ")");
    }
    requireNoChange(before);
    var accounts =
        before.accountsAt(before.current(), io.snapbank.node.codec.ReportCodec.accounts(genesis));
    List<CutAccount> heirs = new ArrayList<>();
    for (int m : members) {
      if (m != id && (heir.isEmpty() || heir.get() == m)) {
        heirs.add(new CutAccount(m, accounts.accountsOf(m).get(0), 0L));
      }
    }
    return EpochLogWriter.append(
        bootstrap,
        overrides,
        topics,
        genesis,
        history -> {
          requireNoChange(history);
          List<Integer> now = history.membersAt(history.current());
          if (!now.contains(id) || heirs.stream().anyMatch(h -> !now.contains(h.getNodeId()))) {
            throw new IllegalStateException(
                "the members changed meanwhile (now " + now + "); run the command again");
          }
          return BankEpoch.newBuilder()
              .setEpoch(history.current() + 1)
              .setIncarnation(history.incarnationAt(history.current()))
              .setKind(EpochKind.LEAVE)
              .setMembers(new ArrayList<>(history.membersAt(history.current())))
              .setCreatedAtMs(nowMs)
              .setRequestedBy(by)
              .setReason("node " + id + " leaves")
              .setLeaving(new LeavingNode(id, heirs))
              .build();
        });
  }

  /**
   * Waits until the node a LEAVE drains has moved its money out and closed its channels, then
   * writes the LEFT that ends its membership and returns it; empty when it has not drained within
   * {@code timeout}.
   */
  public Optional<BankEpoch> finishLeave(
      BankEpoch leave, Duration timeout, Consumer<String> progress, String by, long nowMs)
      throws InterruptedException {
    int id = leave.getLeaving().getNodeId();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      Optional<NodeState> s = reader.nodeStates(List.of(id)).get(id);
      NodeMode mode = s.map(NodeState::mode).orElse(NodeMode.ACTIVE);
      String now =
          s.isEmpty() || s.get().epoch() < leave.getEpoch()
              ? "waiting for node " + id + " to start leaving (is it running?)"
              : "node " + id + " is " + mode + " (" + s.get().total() + " left to move)";
      if (!now.equals(last)) {
        progress.accept(now);
        last = now;
      }
      if (mode == NodeMode.GONE) {
        break;
      }
      if (mode == NodeMode.DRAINED) {
        List<Integer> others = new ArrayList<>(leave.getMembers());
        others.remove(Integer.valueOf(id));
        List<Integer> waiting = new ArrayList<>();
        reader
            .nodeStates(others)
            .forEach(
                (m, st) -> {
                  if (st.map(x -> !x.engine().closedFrom(id)).orElse(true)) {
                    waiting.add(m);
                  }
                });
        if (waiting.isEmpty()) {
          break;
        }
        now = "node " + id + " drained; members " + waiting + " still receiving its last transfers";
        if (!now.equals(last)) {
          progress.accept(now);
          last = now;
        }
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      Thread.sleep(200);
    }
    return Optional.of(
        EpochLogWriter.append(
            bootstrap,
            overrides,
            topics,
            genesis,
            history -> {
              if (history.leftOf(id).isPresent()) {
                throw new IllegalStateException("node " + id + " already left");
              }
              TreeSet<Integer> members = new TreeSet<>(history.membersAt(history.current()));
              members.remove(id);
              return BankEpoch.newBuilder()
                  .setEpoch(history.current() + 1)
                  .setIncarnation(history.incarnationAt(history.current()))
                  .setKind(EpochKind.LEFT)
                  .setMembers(new ArrayList<>(members))
                  .setCreatedAtMs(nowMs)
                  .setRequestedBy(by)
                  .setReason("node " + id + " left")
                  .setLeaving(new LeavingNode(id, new ArrayList<>()))
                  .build();
            }));
  }

  /**
   * Waits until every member of {@code epoch} has applied it; true when they did within {@code
   * timeout}.
   */
  public boolean awaitApplied(BankEpoch epoch, Duration timeout, Consumer<String> progress)
      throws InterruptedException {
    try (RestoreController r = new RestoreController(bootstrap, overrides, topics)) {
      return r.await(epoch.getEpoch(), epoch.getMembers(), timeout, progress);
    }
  }

  /** Refuses a change while another is still being applied. */
  private void requireNoChange(EpochHistory history) {
    Optional<BankEpoch> draining = history.draining();
    if (draining.isPresent()) {
      throw new IllegalStateException(
          "node "
              + draining.get().getLeaving().getNodeId()
              + " is still leaving (epoch "
              + draining.get().getEpoch()
              + "); finish it with 'snapbank member remove --id "
              + draining.get().getLeaving().getNodeId()
              + "' first");
    }
    if (history.current() == 0) {
      return; // the genesis: no change was ever made, none can be in progress
    }
    List<Integer> members = history.membersAt(history.current());
    List<Integer> behind = new ArrayList<>();
    reader
        .nodeStates(members)
        .forEach(
            (node, s) -> {
              if (s.map(NodeState::epoch).orElse(-1L) < history.current()) {
                behind.add(node);
              }
            });
    if (!behind.isEmpty()) {
      throw new IllegalStateException(
          "another change is in progress: nodes "
              + behind
              + " have not applied epoch "
              + history.current()
              + " yet (start them with 'snapbank node --id N' if they are down)");
    }
  }

  /**
   * Creates node {@code id}'s channel topic and the partitions every member needs for it: the lanes
   * of its channels in every channel topic, and its checkpoint partition.
   */
  private void createChannels(int id, java.util.SortedSet<Integer> ever)
      throws InterruptedException {
    int partitions = topics.channelPartitions(id + 1);
    TopicCreation.createMissing(
        bootstrap,
        overrides,
        List.of(BankSetup.channelTopic(topics.transfers(id).name(), partitions)),
        Duration.ofSeconds(30));
    try (Admin admin = BankSetup.admin(bootstrap, overrides)) {
      List<String> grow = new ArrayList<>();
      for (int m : ever) {
        grow.add(topics.transfers(m).name());
      }
      grow.add(topics.nodeState().name());
      var current = admin.describeTopics(grow).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<String, NewPartitions> more = new java.util.HashMap<>();
      current.forEach(
          (name, d) -> {
            int needed = name.equals(topics.nodeState().name()) ? id + 1 : partitions;
            if (d.partitions().size() < needed) {
              more.put(name, NewPartitions.increaseTo(needed));
            }
          });
      if (!more.isEmpty()) {
        admin.createPartitions(more).all().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "cannot create node " + id + "'s channels at " + bootstrap + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
