package io.snapbank.node.sim;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.ChannelOrder;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Channel;
import io.snapbank.node.invariants.Invariant;
import io.snapbank.node.invariants.Invariants;
import io.snapbank.node.invariants.LogEntry;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.node.restore.RestorePlanner;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.CutAccount;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.JoiningNode;
import io.snapbank.schemas.LeavingNode;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.serde.SnapbankSerdes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deterministic simulation of a bank of real node cores ({@link SimNode}) over a simulated Kafka:
 * one seeded random schedule of workload turns, polls, commits, snapshot requests and aborts, node
 * crashes, and forged or malformed records written onto the channels. After every event the
 * committed history is checked against the named {@link Invariant}s; at the end the schedule is
 * drained and every snapshot that was not aborted must have completed. Failures throw {@link
 * AssertionError} naming the seed and how to rerun it.
 */
public final class Simulation {
  /** How a committed transaction's records land in a channel's log. */
  public enum FaultFilter {
    /** In the order they were sent: the channel is FIFO. */
    FIFO,
    /** Shuffled, and some held back until a later commit: the channel reorders. */
    REORDER
  }

  /** Kinds of records a forger writes onto a channel. */
  public enum Forgery {
    GARBAGE(QuarantineReason.UNDECODABLE),
    WRONG_SENDER(QuarantineReason.WRONG_SENDER),
    WRONG_RECEIVER(QuarantineReason.WRONG_RECEIVER),
    /** A record naming another lane than the partition it is on. */
    WRONG_LANE(QuarantineReason.WRONG_LANE),
    NON_POSITIVE_AMOUNT(QuarantineReason.NON_POSITIVE_AMOUNT),
    UNKNOWN_ACCOUNT(QuarantineReason.UNKNOWN_ACCOUNT),
    REPLAYED(QuarantineReason.DUPLICATE_SEQUENCE),
    FUTURE_EPOCH(QuarantineReason.UNKNOWN_EPOCH),
    SKIPPED_SEQUENCE(QuarantineReason.SEQUENCE_GAP);

    final QuarantineReason expected;

    Forgery(QuarantineReason expected) {
      this.expected = expected;
    }
  }

  /**
   * Options of one run.
   *
   * @param nodes bank size
   * @param complete every node sends to every other; otherwise a random strongly connected graph
   * @param steps events before the drain
   * @param crashRate chance of a crash per event
   * @param filter FIFO or reordering channels
   * @param sequenceNumbers whether nodes check sequence numbers (a node that does not is unsafe on
   *     reordering channels: that is what the option shows)
   * @param forgeryRate chance per event of a forged record on a channel
   * @param forgeries the kinds a forger writes
   * @param restoreRate chance per event that an operator restores a verified cut
   * @param membershipRate chance per event that a node joins or starts leaving (complete graphs)
   * @param lanes lanes (partitions) per channel
   * @param order whether the nodes count on ordered channels (FIFO) or colour and count (NONE)
   */
  public record Options(
      int nodes,
      boolean complete,
      int steps,
      double crashRate,
      FaultFilter filter,
      boolean sequenceNumbers,
      double forgeryRate,
      List<Forgery> forgeries,
      double restoreRate,
      double membershipRate,
      int lanes,
      ChannelOrder order) {
    /** FIFO channels, checked sequence numbers, forgeries that never break a channel. */
    public static Options of(int nodes, boolean complete, int steps, double crashRate) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          FaultFilter.FIFO,
          true,
          0.02,
          List.of(
              Forgery.GARBAGE,
              Forgery.WRONG_SENDER,
              Forgery.WRONG_RECEIVER,
              Forgery.WRONG_LANE,
              Forgery.NON_POSITIVE_AMOUNT,
              Forgery.UNKNOWN_ACCOUNT,
              Forgery.REPLAYED,
              Forgery.FUTURE_EPOCH),
          0.0,
          0.0,
          1,
          ChannelOrder.FIFO);
    }

    public Options with(FaultFilter f, boolean checkSequence) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          f,
          checkSequence,
          forgeryRate,
          forgeries,
          restoreRate,
          membershipRate,
          lanes,
          order);
    }

    public Options withForgeries(double rate, List<Forgery> kinds) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          filter,
          sequenceNumbers,
          rate,
          List.copyOf(kinds),
          restoreRate,
          membershipRate,
          lanes,
          order);
    }

    public Options withRestores(double rate) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          filter,
          sequenceNumbers,
          forgeryRate,
          forgeries,
          rate,
          membershipRate,
          lanes,
          order);
    }

    public Options withLanes(int perChannel) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          filter,
          sequenceNumbers,
          forgeryRate,
          forgeries,
          restoreRate,
          membershipRate,
          perChannel,
          order);
    }

    /**
     * Whether every request names every node as initiator, as the auditor's requests do (else some
     * name one or two nodes).
     */
    public boolean everyNodeInitiates() {
      return order == ChannelOrder.NONE;
    }

    public Options withOrder(ChannelOrder o) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          filter,
          sequenceNumbers,
          forgeryRate,
          forgeries,
          restoreRate,
          membershipRate,
          lanes,
          o);
    }

    public Options withMembership(double rate) {
      return new Options(
          nodes,
          complete,
          steps,
          crashRate,
          filter,
          sequenceNumbers,
          forgeryRate,
          forgeries,
          restoreRate,
          rate,
          lanes,
          order);
    }
  }

  private static final int ACCOUNTS = 3;
  private final long seed;
  private final Options options;
  private final SplittableRandom random;
  private final SnapbankSerdes serdes = SnapbankSerdes.create();
  private BankAccounts accounts;
  private BankAccounts genesisAccounts;
  private final long expectedTotal;
  private final TreeMap<Long, BankObservation.EpochFacts> facts = new TreeMap<>();
  private BankEpoch pendingLeave;
  private int joins;
  private int leaves;
  private final List<SimNode> nodes = new ArrayList<>();
  private final TreeMap<Channel, SimLog> channelLogs = new TreeMap<>();
  private final TreeMap<Channel, List<byte[]>> heldBack = new TreeMap<>();
  private final SimLog requests = new SimLog();
  private final SimLog aborts = new SimLog();
  private final SimLog epochs = new SimLog();
  private final Map<Long, Map<Integer, Long>> restoredTotals = new HashMap<>();
  private int restores;
  private final List<Invariant> invariants;
  private final TreeMap<Long, SortedMap<Integer, LocalSnapshot>> snapshots = new TreeMap<>();
  private final Map<Long, Map<Integer, BankObservation.Truth>> truths = new HashMap<>();
  private final TreeSet<Long> checkedCuts = new TreeSet<>();
  private final TreeSet<Long> aborted = new TreeSet<>();
  private final List<Forged> forged = new ArrayList<>();
  private final List<String> halts = new ArrayList<>();
  private long now;
  private long events;
  private long nextSnapshotId = 1;
  private int crashes;
  private int refused;
  private long forgedEpoch;
  private boolean changed = true;

  private record Forged(Channel channel, long offset, Forgery kind, long epoch) {}

  public Simulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new SplittableRandom(seed);
    int n = options.nodes();
    boolean[][] edge = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      edge[i][(i + 1) % n] = n > 1;
      for (int j = 0; j < n; j++) {
        if (i != j && (options.complete() || random.nextInt(4) == 0)) {
          edge[i][j] = true;
        }
      }
    }
    TreeMap<Integer, SortedMap<String, Long>> opening = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      TreeMap<String, Long> own = new TreeMap<>();
      for (int a = 0; a < ACCOUNTS; a++) {
        own.put("n" + i + "-a" + a, 50L + random.nextInt(100));
      }
      opening.put(i, own);
    }
    accounts = new BankAccounts(opening);
    genesisAccounts = accounts;
    expectedTotal = accounts.total();
    facts.put(0L, new BankObservation.EpochFacts(new TreeSet<>(opening.keySet()), expectedTotal));
    for (int i = 0; i < n; i++) {
      TreeSet<Integer> in = new TreeSet<>();
      TreeSet<Integer> out = new TreeSet<>();
      for (int j = 0; j < n; j++) {
        if (edge[j][i]) {
          in.add(j);
          for (int l = 0; l < options.lanes(); l++) {
            channelLogs.put(new Channel(j, i, l), new SimLog());
          }
        }
        if (edge[i][j]) {
          out.add(j);
        }
      }
      // workload: about one order per turn, a backlog bound small enough to be reached
      WorkloadConfig w = new WorkloadConfig(400, 60, 0.9, random.nextLong(), 12);
      nodes.add(
          new SimNode(
              i,
              new NodeTopology(i, in, out, options.lanes(), options.order()),
              accounts,
              serdes,
              w,
              options.sequenceNumbers()));
    }
    // a log with a forged gap or reordered records is not FIFO: only conservation can hold then
    invariants =
        options.filter() == FaultFilter.FIFO
                && options.sequenceNumbers()
                && !options.forgeries().contains(Forgery.SKIPPED_SEQUENCE)
            ? List.of(
                Invariants.CONSERVATION,
                Invariants.CREDITED_EXACTLY_ONCE,
                Invariants.FIFO_PER_CHANNEL)
            : List.of(Invariants.CONSERVATION);
  }

  /** Runs the schedule, drains it, and checks every snapshot. */
  public Simulation run() {
    for (int s = 0; s < options.steps() && halts.isEmpty(); s++) {
      now += 1 + random.nextInt(5);
      step();
    }
    drain();
    if (halts.isEmpty()) {
      checkFinal();
    }
    return this;
  }

  /** Why nodes stopped on a broken channel. */
  public List<String> halts() {
    return halts;
  }

  public int snapshots() {
    int complete = 0;
    for (SortedMap<Integer, LocalSnapshot> parts : snapshots.values()) {
      complete += complete(parts) ? 1 : 0;
    }
    return complete;
  }

  public int crashes() {
    return crashes;
  }

  /** Nodes that joined and nodes that left. */
  public int joins() {
    return joins;
  }

  public int leaves() {
    return leaves;
  }

  /** Restores written (each is applied by every node before the run ends). */
  public int restores() {
    return restores;
  }

  /** Forged records that receivers set aside with the expected reason. */
  public int forgeriesQuarantined() {
    int n = 0;
    for (Forged f : forged) {
      for (SimNode.Quarantined q : nodes.get(f.channel().to()).quarantined()) {
        if (q.input().sender() == f.channel().from()
            && q.offset() == f.offset()
            && q.reason() == f.kind().expected) {
          n++;
        }
      }
    }
    return n;
  }

  private void step() {
    List<SimNode> alive = nodes.stream().filter(n -> !n.gone()).toList();
    SimNode node = alive.get(random.nextInt(alive.size()));
    int roll = random.nextInt(100);
    finishLeave();
    if (roll < 35) {
      if (node.active()) {
        node.generate(now, node.backlog(inputs(node)));
      }
    } else if (roll < 75) {
      int records = 1 + random.nextInt(3);
      for (int r = 0; r < records && poll(node); r++) {
        // each poll consumes one record
      }
    } else if (roll < 87) {
      commit(node);
    } else if (roll < 94) {
      request();
    } else if (roll < 95) {
      abort();
    } else if (roll < 96 && random.nextDouble() < options.restoreRate() * 100) {
      restore();
    } else if (roll < 97 && random.nextDouble() < options.membershipRate() * 100) {
      if (random.nextBoolean()) {
        join();
      } else {
        leave();
      }
    } else if (random.nextDouble() < options.crashRate() * 20) {
      node.crash();
      crashes++;
    } else if (random.nextDouble() < options.forgeryRate() * 20 && !options.forgeries().isEmpty()) {
      forge();
    }
    events++;
    check();
  }

  /** One record consumed by {@code node} from a random ready input; false when none or halted. */
  private boolean poll(SimNode node) {
    if (node.halted() != null) {
      return false;
    }
    Map<SimNode.Input, SimLog> logs = inputs(node);
    List<SimNode.Input> ready = node.ready(logs);
    if (ready.isEmpty()) {
      return false;
    }
    SimNode.Input in = ready.get(random.nextInt(ready.size()));
    switch (node.consume(in, logs.get(in), logs, now)) {
      case HALTED -> {
        halts.add(node.halted());
        commit(node); // a halting node makes what it did before durable, then stops
        return false;
      }
      case RESTORED -> {
        if (random.nextInt(5) == 0) {
          node.crash(); // killed before the switch committed: it applies the restore again
          crashes++;
        } else {
          commit(node);
          checkRestored(node);
        }
      }
      case SWITCHED -> {
        if (random.nextInt(5) == 0) {
          node.crash(); // killed before the switch committed: it applies the change again
          crashes++;
        } else {
          commit(node);
          node.retarget(targetsAt(node.committedState().epoch()));
        }
        return !node.gone();
      }
      default -> {}
    }
    node.rejectWaiting(logs, epochs.end());
    return true;
  }

  /**
   * An operator restores a complete, settled snapshot: the epoch log gets a RESTORE entry, and
   * every snapshot not complete by now is aborted (the auditor calls them superseded).
   */
  private void restore() {
    long current = epochs.entries().size();
    if (!settledAt(current)) {
      return; // the last switch is still being applied: the controller refuses
    }
    List<Long> candidates = new ArrayList<>();
    snapshots.forEach(
        (sid, parts) -> {
          if (parts.keySet().equals(members())
              && parts.values().stream().map(LocalSnapshot::epochs).distinct().count() == 1
              && facts
                  .floorEntry(parts.values().iterator().next().epoch())
                  .getValue()
                  .members()
                  .equals(members())) {
            candidates.add(sid);
          }
        });
    if (candidates.isEmpty()) {
      return;
    }
    long sid = candidates.get(random.nextInt(candidates.size()));
    SortedMap<Integer, LocalSnapshot> cut = snapshots.get(sid);
    LocalSnapshot any = cut.values().iterator().next();
    List<NodeFigure> figures = new ArrayList<>();
    List<ChannelState> channels = new ArrayList<>();
    Map<Integer, Long> expected = new TreeMap<>();
    for (LocalSnapshot part : cut.values()) {
      LocalSnapshotReport r = ReportCodec.report(part);
      figures.add(new NodeFigure(part.nodeId(), 0L, r.getBalances().size(), r.getBalances()));
      channels.addAll(r.getChannels());
      expected.put(part.nodeId(), part.total());
    }
    AuditReport report =
        AuditReport.newBuilder()
            .setSnapshotId(sid)
            .setStatus(AuditStatus.CONSISTENT)
            .setExpectedTotal(expectedTotal)
            .setBalancesTotal(0L)
            .setInFlightTotal(0L)
            .setDifference(0L)
            .setNodes(figures)
            .setChannels(channels)
            .setRequestedAtMs(0L)
            .setCompletedAtMs(0L)
            .setLatencyMs(0L)
            .setEpoch(any.epoch())
            .build();
    List<Integer> members = new ArrayList<>(cut.keySet());
    BankEpoch e =
        RestorePlanner.restoreEpoch(
            report, current + 1, any.incarnation(), members, "sim", "test", now);
    epochs.append(serdes.bankEpoch().encode(e), e);
    restoredTotals.put(current + 1, expected);
    restores++;
    abortIncomplete("superseded");
    changed = true;
  }

  /** Every snapshot not complete now ends (the auditor aborts it when the epoch changes). */
  private void abortIncomplete(String why) {
    for (long id = 1; id < nextSnapshotId; id++) {
      if (!aborted.contains(id) && !complete(snapshots.get(id))) {
        aborted.add(id);
        aborts.append(serdes.snapshotAbort().encode(new SnapshotAbort(id, why, now)), id);
      }
    }
  }

  /** Whether {@code parts} are every member's part of a snapshot of one epoch. */
  private boolean complete(SortedMap<Integer, LocalSnapshot> parts) {
    if (parts == null || parts.isEmpty()) {
      return false;
    }
    long epoch = parts.values().iterator().next().epoch();
    return parts.values().stream().allMatch(p -> p.epoch() == epoch)
        && parts.keySet().equals(facts.floorEntry(epoch).getValue().members());
  }

  /**
   * A member that can start a snapshot for everyone: not one that is leaving (once drained, its
   * channels are closed and its markers reach nobody; the auditor's timeout ends such requests).
   */
  private int anyMember() {
    List<Integer> m = new ArrayList<>(members());
    if (pendingLeave != null) {
      m.remove(Integer.valueOf(pendingLeave.getLeaving().getNodeId()));
    }
    return m.get(random.nextInt(m.size()));
  }

  /** The current members. */
  private java.util.SortedSet<Integer> members() {
    return facts.lastEntry().getValue().members();
  }

  /** Whether every member has committed {@code epoch} and no node is leaving. */
  private boolean settledAt(long epoch) {
    return pendingLeave == null
        && members().stream().allMatch(m -> nodes.get(m).committedState().epoch() == epoch);
  }

  /** The epoch log as the nodes read it. */
  private EpochHistory history() {
    List<BankEpoch> all = new ArrayList<>();
    epochs.entries().forEach(e -> all.add((BankEpoch) e.decoded()));
    return new EpochHistory(
        List.copyOf(genesisAccounts.nodes()), all, options.lanes(), options.order());
  }

  /** The accounts a member may send to in {@code epoch}: the nodes' own rule. */
  private BankAccounts targetsAt(long epoch) {
    return history().targetsAt(epoch, genesisAccounts);
  }

  /** A new node joins with an opening deposit (money entering the bank). */
  private void join() {
    long current = epochs.entries().size();
    if (!options.complete() || !settledAt(current)) {
      return;
    }
    int id = nodes.size();
    TreeMap<String, Long> own = new TreeMap<>();
    List<CutAccount> opened = new ArrayList<>();
    for (int a = 0; a < ACCOUNTS; a++) {
      long b = 50L + random.nextInt(100);
      own.put("n" + id + "-a" + a, b);
      opened.add(new CutAccount(id, "n" + id + "-a" + a, b));
    }
    TreeMap<Integer, SortedMap<String, Long>> all = new TreeMap<>(accounts.opening());
    all.put(id, own);
    accounts = new BankAccounts(all);
    TreeSet<Integer> members = new TreeSet<>(members());
    for (int m : members) {
      for (int l = 0; l < options.lanes(); l++) {
        channelLogs.put(new Channel(m, id, l), new SimLog());
        channelLogs.put(new Channel(id, m, l), new SimLog());
      }
    }
    members.add(id);
    long money = own.values().stream().mapToLong(Long::longValue).sum();
    long epoch = current + 1;
    BankEpoch e =
        BankEpoch.newBuilder()
            .setEpoch(epoch)
            .setIncarnation(incarnation())
            .setKind(EpochKind.JOIN)
            .setMembers(new ArrayList<>(members))
            .setCreatedAtMs(now)
            .setJoined(new JoiningNode(id, opened, requests.end(), aborts.end()))
            .setMoneyIn(money)
            .build();
    long offset = epochs.append(serdes.bankEpoch().encode(e), e);
    facts.put(
        epoch,
        new BankObservation.EpochFacts(
            members, facts.lastEntry().getValue().expectedTotal() + money));
    nodes.add(
        new SimNode(
            history().startingState(id, genesisAccounts),
            Map.of(
                SimNode.Input.REQUESTS, requests.end(),
                SimNode.Input.ABORTS, aborts.end(),
                SimNode.Input.EPOCHS, offset + 1),
            accounts,
            serdes,
            new WorkloadConfig(400, 60, 0.9, random.nextLong(), 12),
            options.sequenceNumbers()));
    joins++;
    abortIncomplete("epoch changed");
    changed = true;
  }

  /** A member starts leaving: its money goes to every other member's first account in turn. */
  private void leave() {
    long current = epochs.entries().size();
    if (!options.complete() || !settledAt(current) || members().size() <= 2) {
      return;
    }
    List<Integer> members = new ArrayList<>(members());
    int id = members.get(random.nextInt(members.size()));
    List<CutAccount> heirs = new ArrayList<>();
    for (int m : members) {
      if (m != id) {
        heirs.add(new CutAccount(m, accounts.accountsOf(m).get(0), 0L));
      }
    }
    BankEpoch e =
        BankEpoch.newBuilder()
            .setEpoch(current + 1)
            .setIncarnation(incarnation())
            .setKind(EpochKind.LEAVE)
            .setMembers(members)
            .setCreatedAtMs(now)
            .setLeaving(new LeavingNode(id, heirs))
            .build();
    epochs.append(serdes.bankEpoch().encode(e), e);
    facts.put(current + 1, facts.lastEntry().getValue());
    pendingLeave = e;
    leaves++;
    abortIncomplete("epoch changed");
    changed = true;
  }

  /** Once the leaving node has drained, the LEFT that ends its membership. */
  private void finishLeave() {
    if (pendingLeave == null) {
      return;
    }
    int id = pendingLeave.getLeaving().getNodeId();
    if (nodes.get(id).committedState().mode() != io.snapbank.node.core.NodeMode.DRAINED) {
      return;
    }
    for (int m : members()) {
      if (m != id && !nodes.get(m).committedState().engine().closedFrom(id)) {
        return; // its last transfers are still on their way to this member
      }
    }
    long current = epochs.entries().size();
    TreeSet<Integer> members = new TreeSet<>(members());
    members.remove(id);
    BankEpoch e =
        BankEpoch.newBuilder()
            .setEpoch(current + 1)
            .setIncarnation(incarnation())
            .setKind(EpochKind.LEFT)
            .setMembers(new ArrayList<>(members))
            .setCreatedAtMs(now)
            .setLeaving(new LeavingNode(id, new ArrayList<>()))
            .build();
    epochs.append(serdes.bankEpoch().encode(e), e);
    facts.put(
        current + 1,
        new BankObservation.EpochFacts(members, facts.lastEntry().getValue().expectedTotal()));
    pendingLeave = null;
    abortIncomplete("epoch changed");
    changed = true;
  }

  /** The epoch of the last restore written (0: none). */
  private long incarnation() {
    long inc = 0;
    for (SimLog.Entry en : epochs.entries()) {
      BankEpoch b = (BankEpoch) en.decoded();
      if (b.getKind() == EpochKind.RESTORE) {
        inc = b.getEpoch();
      }
    }
    return inc;
  }

  /** Right after its switch, a node holds exactly its recorded balances plus its in-flight. */
  private void checkRestored(SimNode node) {
    NodeState s = node.committedState();
    long want = restoredTotals.get(s.epoch()).get(node.id());
    check(
        s.total() == want,
        "node "
            + node.id()
            + " restored to epoch "
            + s.epoch()
            + " holds "
            + s.total()
            + ", the cut recorded "
            + want
            + " with its in-flight transfers");
  }

  private Map<SimNode.Input, SimLog> inputs(SimNode node) {
    Map<SimNode.Input, SimLog> m = new HashMap<>();
    for (Lane l : node.topology().incomingLanes()) {
      m.put(SimNode.Input.of(l), channelLogs.get(new Channel(l.node(), node.id(), l.index())));
    }
    m.put(SimNode.Input.REQUESTS, requests);
    m.put(SimNode.Input.ABORTS, aborts);
    m.put(SimNode.Input.EPOCHS, epochs);
    return m;
  }

  private void commit(SimNode node) {
    SimNode.Committed c = node.commit();
    c.sends()
        .forEach(
            (to, records) -> {
              Channel ch = new Channel(node.id(), to.node(), to.index());
              List<byte[]> order = new ArrayList<>(heldBack.getOrDefault(ch, List.of()));
              heldBack.remove(ch);
              order.addAll(records);
              if (options.filter() == FaultFilter.REORDER) {
                Collections.shuffle(order, new java.util.Random(random.nextLong()));
                if (order.size() > 1 && random.nextInt(3) == 0) {
                  heldBack.put(ch, new ArrayList<>(List.of(order.remove(order.size() - 1))));
                }
              }
              SimLog log = channelLogs.get(ch);
              for (byte[] r : order) {
                log.append(r, decodeChannel(r));
              }
              log.controlRecord();
            });
    for (LocalSnapshot s : c.reports()) {
      SortedMap<Integer, LocalSnapshot> parts =
          snapshots.computeIfAbsent(s.snapshotId(), k -> new TreeMap<>());
      check(
          parts.put(node.id(), s) == null,
          "snapshot " + s.snapshotId() + " reported twice by " + node.id());
    }
    c.truths()
        .forEach((sid, t) -> truths.computeIfAbsent(sid, k -> new TreeMap<>()).put(node.id(), t));
    changed = true;
  }

  private ChannelMessage decodeChannel(byte[] value) {
    try {
      return ChannelCodec.toMessage(serdes.channelRecord().decode(value));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void request() {
    long id = nextSnapshotId++;
    int pick = random.nextInt(3);
    List<Integer> initiators =
        switch (options.everyNodeInitiates() ? 0 : pick) {
          case 0 -> List.of();
          case 1 -> List.of(anyMember());
          default -> List.of(anyMember(), anyMember());
        };
    requests.append(
        serdes
            .snapshotRequest()
            .encode(
                new SnapshotRequest(
                    id, initiators, now, "sim", (long) epochs.entries().size(), -1L)),
        id);
  }

  private void abort() {
    if (nextSnapshotId == 1) {
      return;
    }
    long id = 1 + random.nextInt((int) (nextSnapshotId - 1));
    aborted.add(id);
    aborts.append(serdes.snapshotAbort().encode(new SnapshotAbort(id, "sim", now)), id);
  }

  /** A forged or malformed record on a random channel, written outside any node. */
  private void forge() {
    // a forger writes on a channel between active members that is not closed
    List<Channel> chans = new ArrayList<>();
    for (Channel c : channelLogs.keySet()) {
      if (members().contains(c.from())
          && members().contains(c.to())
          && (pendingLeave == null
              || (c.from() != pendingLeave.getLeaving().getNodeId()
                  && c.to() != pendingLeave.getLeaving().getNodeId()))) {
        chans.add(c);
      }
    }
    if (chans.isEmpty()) {
      return;
    }
    Channel ch = chans.get(random.nextInt(chans.size()));
    Forgery kind = options.forgeries().get(random.nextInt(options.forgeries().size()));
    SimLog log = channelLogs.get(ch);
    NodeState sender = nodes.get(ch.from()).committedState();
    // a forger copies the look of current traffic: the receiver's epoch
    forgedEpoch = nodes.get(ch.to()).committedState().epoch();
    long nextSeq = sender.engine().outSeq().getOrDefault(ch.outgoing(), 0L) + 1;
    String to = "n" + ch.to() + "-a0";
    byte[] value =
        switch (kind) {
          case GARBAGE -> new byte[] {1, 2, 3, 4, 5};
          case WRONG_LANE -> transfer(ch.from(), ch.to(), ch.lane() + 1, nextSeq, to, 5);
          case WRONG_SENDER -> transfer(ch.from() == 0 ? 1 : 0, ch.to(), ch.lane(), nextSeq, to, 5);
          case WRONG_RECEIVER ->
              transfer(ch.from(), ch.to() == 0 ? 1 : 0, ch.lane(), nextSeq, to, 5);
          case NON_POSITIVE_AMOUNT -> transfer(ch.from(), ch.to(), ch.lane(), nextSeq, to, -3);
          case UNKNOWN_ACCOUNT -> transfer(ch.from(), ch.to(), ch.lane(), nextSeq, "nobody", 5);
          case SKIPPED_SEQUENCE -> transfer(ch.from(), ch.to(), ch.lane(), nextSeq + 3, to, 5);
          case FUTURE_EPOCH -> futureEpoch(ch.from(), ch.to(), ch.lane(), nextSeq, to);
          case REPLAYED -> replayable(ch, log);
        };
    if (value == null) {
      return;
    }
    long offset = log.append(value, decodeChannel(value));
    forged.add(new Forged(ch, offset, kind, forgedEpoch));
    changed = true;
  }

  private byte[] transfer(int sender, int receiver, int lane, long seq, String to, long amount) {
    return serdes
        .channelRecord()
        .encode(
            new ChannelRecord(
                sender,
                receiver,
                seq,
                new Transfer("forged-" + events, "x", to, amount, now),
                forgedEpoch,
                false,
                lane,
                -1L,
                -1L,
                0L));
  }

  /** A transfer claiming an epoch far beyond the epoch log. */
  private byte[] futureEpoch(int sender, int receiver, int lane, long seq, String to) {
    return serdes
        .channelRecord()
        .encode(
            new ChannelRecord(
                sender,
                receiver,
                seq,
                new Transfer("forged-" + events, "x", to, 5L, now),
                1_000_000L,
                false,
                lane,
                -1L,
                -1L,
                0L));
  }

  /** The bytes of a transfer or marker the sender committed on the log, to write again. */
  private byte[] replayable(Channel ch, SimLog log) {
    TreeSet<Long> fakes = new TreeSet<>();
    forged.stream().filter(f -> f.channel().equals(ch)).forEach(f -> fakes.add(f.offset()));
    for (int i = log.entries().size() - 1; i >= 0; i--) {
      SimLog.Entry e = log.entries().get(i);
      if (!fakes.contains(e.offset())
          && e.decoded() instanceof ChannelMessage m
          && m.epoch() >= nodes.get(ch.to()).committedState().incarnation()) {
        return e.value();
      }
    }
    return null;
  }

  /** Polls and commits every node until nothing is left to consume, then checks. */
  private void drain() {
    for (int round = 0; round < 10_000 && halts.isEmpty(); round++) {
      heldBack.forEach(
          (ch, records) -> {
            SimLog log = channelLogs.get(ch);
            records.forEach(r -> log.append(r, decodeChannel(r)));
            log.controlRecord();
          });
      heldBack.clear();
      boolean progress = pendingLeave != null;
      finishLeave();
      for (SimNode node : List.copyOf(nodes)) {
        if (node.gone()) {
          continue;
        }
        now++;
        while (poll(node)) {
          progress = true;
        }
        if (node.dirty() && halts.isEmpty()) {
          commit(node);
          progress = true;
        }
        events++;
        check();
      }
      if (!progress) {
        return;
      }
    }
  }

  private void check() {
    if (!changed || !halts.isEmpty()) {
      return;
    }
    changed = false;
    BankObservation o = observation(snapshots);
    Invariants.assertHold(invariants, o, where());
    TreeMap<Long, SortedMap<Integer, LocalSnapshot>> fresh = new TreeMap<>();
    snapshots.forEach(
        (sid, parts) -> {
          if (complete(parts) && checkedCuts.add(sid)) {
            fresh.put(sid, parts);
          }
        });
    if (!fresh.isEmpty()) {
      Invariant cut =
          options.filter() == FaultFilter.FIFO
              ? Invariants.CONSISTENT_CUT
              : Invariants.CONSISTENT_CUT_WITHOUT_LOGS;
      Invariants.assertHold(List.of(cut), observation(fresh), where());
    }
  }

  /**
   * Whether some member can no longer record snapshot {@code id}: it never recorded it, and its
   * floor passed it (unordered channels).
   */
  private boolean refused(long id) {
    for (int m : members()) {
      NodeState s = nodes.get(m).committedState();
      boolean recorded =
          s.engine().finished().contains(id)
              || s.engine().open().stream().anyMatch(o -> o.snapshotId() == id);
      if (!recorded && s.engine().order().floor() >= id) {
        return true;
      }
    }
    return false;
  }

  /** Snapshots some member could no longer record (unordered channels), at the end of the run. */
  public int refused() {
    return refused;
  }

  private void checkFinal() {
    for (long id = 1; id < nextSnapshotId; id++) {
      if (aborted.contains(id)) {
        continue;
      }
      SortedMap<Integer, LocalSnapshot> parts = snapshots.getOrDefault(id, new TreeMap<>());
      if (!complete(parts) && options.order() == ChannelOrder.NONE && refused(id)) {
        refused++;
        continue; // a higher colour reached a member first: the auditor times it out
      }
      check(
          complete(parts),
          "snapshot " + id + " completed on " + parts.keySet() + ", members " + members());
    }
    for (Forged f : forged) {
      SimNode receiver = nodes.get(f.channel().to());
      if (f.epoch() < receiver.committedState().incarnation()) {
        continue; // written before a restore the receiver applied first: superseded, not judged
      }
      boolean set =
          receiver.quarantined().stream()
              .anyMatch(
                  q ->
                      q.input().sender() == f.channel().from()
                          && q.input().index() == f.channel().lane()
                          && q.offset() == f.offset()
                          && q.reason() == f.kind().expected);
      check(set, "forged " + f.kind() + " at " + f.channel() + "@" + f.offset() + " not set aside");
    }
  }

  private BankObservation observation(SortedMap<Long, SortedMap<Integer, LocalSnapshot>> snaps) {
    TreeMap<Integer, NodeState> states = new TreeMap<>();
    // a node that left stays in view until every member has applied its LEFT
    long oldest =
        nodes.stream()
            .filter(n -> !n.gone())
            .mapToLong(n -> n.committedState().epoch())
            .min()
            .orElse(0);
    nodes.stream()
        .filter(n -> !n.gone() || n.committedState().epoch() > oldest)
        .forEach(n -> states.put(n.id(), n.committedState()));
    TreeMap<Channel, List<LogEntry>> logs = new TreeMap<>();
    channelLogs.forEach(
        (ch, log) -> {
          List<LogEntry> entries = new ArrayList<>(log.entries().size());
          for (SimLog.Entry e : log.entries()) {
            entries.add(new LogEntry(e.offset(), (ChannelMessage) e.decoded()));
          }
          logs.put(ch, entries);
        });
    return new BankObservation(
        expectedTotal,
        accounts,
        states,
        logs,
        snaps,
        truths,
        options.complete() ? facts : new TreeMap<>());
  }

  private String where() {
    return "seed="
        + seed
        + " event#"
        + events
        + " t="
        + now
        + " nodes="
        + nodes.size()
        + " (rerun with -Dsim.seed="
        + seed
        + ")";
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(where() + ": " + what);
    }
  }
}
