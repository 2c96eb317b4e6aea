package io.snapbank.node.sim;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.codec.EpochCodec;
import io.snapbank.node.codec.RecordFeeder;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.ChannelOrder;
import io.snapbank.node.core.ChannelRange;
import io.snapbank.node.core.EngineState;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.NodeOutput;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.core.NodeTopology;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.node.core.RangeSource;
import io.snapbank.node.core.RestoreResult;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.workload.Workload;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.SnapbankSerdes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One simulated bank node: the real {@link NodeCore}, fed through the real decode path ({@link
 * RecordFeeder}), with the Kafka driver's transaction semantics: effects stay pending until a
 * commit makes them visible together with the checkpoint (encoded through the real {@link
 * CheckpointCodec} and Avro serde) and the consumed positions; a crash drops what is pending and
 * resumes from the last checkpoint's bytes and the committed positions.
 */
final class SimNode {
  /** Where an input record comes from. */
  record Input(int sender, int index) {
    static final Input REQUESTS = new Input(-1, 0);
    static final Input ABORTS = new Input(-2, 0);
    static final Input EPOCHS = new Input(-3, 0);

    /** The input of incoming lane {@code l}. */
    static Input of(Lane l) {
      return new Input(l.node(), l.index());
    }

    boolean isChannel() {
      return sender >= 0;
    }

    /** The incoming lane a channel input reads. */
    Lane lane() {
      return new Lane(sender, index);
    }
  }

  /** A record set aside, as committed. */
  record Quarantined(Input input, long offset, QuarantineReason reason) {}

  private final int id;
  private final SnapbankSerdes serdes;
  private final RecordFeeder feeder;
  private Workload workload;
  private final boolean sequenceNumbers;
  private final Map<Input, Long> positions = new LinkedHashMap<>();
  private final Map<Input, Long> committedPositions = new LinkedHashMap<>();
  private final Pending pending = new Pending();
  private final List<Quarantined> quarantined = new ArrayList<>();
  private NodeCore core;
  private byte[] checkpoint;
  private NodeState committedState;
  private TreeSet<Long> known = new TreeSet<>();
  private final java.util.Set<Input> waiting = new java.util.HashSet<>();
  private String halted;
  private boolean gone;
  private long transaction;

  SimNode(
      int id,
      NodeTopology topology,
      BankAccounts accounts,
      SnapbankSerdes serdes,
      WorkloadConfig workload,
      boolean sequenceNumbers) {
    this(
        NodeState.initial(topology, accounts.openingOf(id)),
        Map.of(),
        accounts,
        serdes,
        workload,
        sequenceNumbers);
  }

  /**
   * A node that starts from {@code initial} (a member the genesis made, or one a JOIN admitted),
   * reading its inputs from {@code first} (0 for the others).
   */
  SimNode(
      NodeState initial,
      Map<Input, Long> first,
      BankAccounts accounts,
      SnapbankSerdes serdes,
      WorkloadConfig workload,
      boolean sequenceNumbers) {
    this.id = initial.nodeId();
    this.serdes = serdes;
    this.feeder = new RecordFeeder(serdes);
    this.workload = new Workload(workload, id, accounts);
    this.sequenceNumbers = sequenceNumbers;
    for (Lane l : initial.topology().incomingLanes()) {
      positions.put(Input.of(l), first.getOrDefault(Input.of(l), 0L));
    }
    positions.put(Input.REQUESTS, first.getOrDefault(Input.REQUESTS, 0L));
    positions.put(Input.ABORTS, first.getOrDefault(Input.ABORTS, 0L));
    positions.put(Input.EPOCHS, first.getOrDefault(Input.EPOCHS, 0L));
    committedPositions.putAll(positions);
    committedState = initial;
    checkpoint = serdes.nodeCheckpoint().encode(CheckpointCodec.encode(committedState, 0, 0));
    core = new NodeCore(committedState, pending);
    known = knownIn(committedState);
  }

  int id() {
    return id;
  }

  NodeTopology topology() {
    return core.topology();
  }

  /** Whether the node left the bank (it takes no more input). */
  boolean gone() {
    return gone;
  }

  /** The same node sending to {@code targets} (the members changed). */
  void retarget(BankAccounts targets) {
    workload = workload.withTargets(targets);
  }

  /** Whether the node is a member that makes transfers. */
  boolean active() {
    return core.mode() == io.snapbank.node.core.NodeMode.ACTIVE;
  }

  NodeState committedState() {
    return committedState;
  }

  String halted() {
    return halted;
  }

  List<Quarantined> quarantined() {
    return quarantined;
  }

  /** Inputs with records waiting, given the logs. */
  List<Input> ready(Map<Input, SimLog> logs) {
    List<Input> out = new ArrayList<>();
    positions.forEach(
        (in, pos) -> {
          if (!waiting.contains(in) && logs.get(in).at(pos) != null) {
            out.add(in);
          }
        });
    return out;
  }

  /** Records waiting on every input. */
  long backlog(Map<Input, SimLog> logs) {
    long n = 0;
    for (Map.Entry<Input, Long> e : positions.entrySet()) {
      n += logs.get(e.getKey()).remaining(e.getValue());
    }
    return n;
  }

  /** What consuming one record did. */
  enum Consumed {
    /** Consumed (or held back until the node reaches the record's epoch). */
    DONE,
    /** A restore was applied: the caller commits it at once. */
    RESTORED,
    /** The members changed: the caller commits it at once (the node may have left). */
    SWITCHED,
    /** The node halted on it. */
    HALTED
  }

  /**
   * Consumes the next record of {@code in}; channel ranges a restore replays are read from {@code
   * channels}.
   */
  Consumed consume(Input in, SimLog log, Map<Input, SimLog> channels, long nowMs) {
    SimLog.Entry e = log.at(positions.get(in));
    if (in == Input.EPOCHS) {
      return epoch(e, channels);
    }
    // with unordered channels a coloured transfer makes the node record before it credits it
    NodeState before =
        in.isChannel() && core.topology().order() == ChannelOrder.NONE ? core.state() : null;
    Handled h;
    if (in == Input.REQUESTS) {
      h = feeder.request(core, e.value(), nowMs).handled();
    } else if (in == Input.ABORTS) {
      h = feeder.abort(core, e.value());
    } else if (sequenceNumbers) {
      h = feeder.channel(core, in.lane(), e.offset(), e.value(), nowMs).handled();
    } else {
      // a node that does not check order: every record is taken as the next one
      ChannelMessage m = feeder.message(e.value());
      h =
          m == null
              ? core.onUnreadableChannelRecord(in.lane(), e.offset(), "undecodable")
              : core.onChannelRecord(
                  in.lane(),
                  e.offset(),
                  new ChannelMessage(
                      m.sender(),
                      m.receiver(),
                      core.lastReceivedSeq(in.lane()) + 1,
                      m.body(),
                      m.epoch(),
                      m.lane()),
                  nowMs);
    }
    if (h == Handled.QUARANTINED) {
      pending.quarantined.add(new Quarantined(in, e.offset(), pending.lastReason));
    }
    if (h == Handled.WAITING) {
      waiting.add(in);
      return Consumed.DONE;
    }
    if (!h.consumed()) {
      halted = pending.halt;
      return Consumed.HALTED;
    }
    positions.put(in, e.offset() + 1);
    noteRecordings(before == null ? core.state() : before);
    return Consumed.DONE;
  }

  /**
   * The epoch log has been read to its end and inputs still wait for a later epoch: their records
   * claim an epoch that does not exist, and are set aside. True when there were such inputs.
   */
  boolean rejectWaiting(Map<Input, SimLog> logs, long epochLogEnd) {
    if (waiting.isEmpty() || positions.get(Input.EPOCHS) < epochLogEnd) {
      return false;
    }
    for (Input in : List.copyOf(waiting)) {
      SimLog.Entry e = logs.get(in).at(positions.get(in));
      Handled h =
          in == Input.REQUESTS
              ? core.onRequestOfUnknownEpoch(call(e.value()))
              : core.onRecordOfUnknownEpoch(in.lane(), e.offset(), (ChannelMessage) e.decoded());
      pending.quarantined.add(new Quarantined(in, e.offset(), pending.lastReason));
      positions.put(in, e.offset() + 1);
      if (h != Handled.QUARANTINED) {
        throw new IllegalStateException("a record of an unknown epoch was " + h);
      }
    }
    waiting.clear();
    return true;
  }

  private io.snapbank.node.core.SnapshotCall call(byte[] value) {
    SnapshotRequest r = serdes.snapshotRequest().decode(value);
    return new io.snapbank.node.core.SnapshotCall(
        r.getSnapshotId(), r.getInitiators(), r.getEpoch(), r.getRequestedAtMs());
  }

  /**
   * An epoch record: a restore abandons what is pending and applies the cut, as the driver does.
   */
  private Consumed epoch(SimLog.Entry e, Map<Input, SimLog> channels) {
    BankEpoch epoch = serdes.bankEpoch().decode(e.value());
    if (epoch.getEpoch() <= core.epochs().epoch()) {
      positions.put(Input.EPOCHS, e.offset() + 1);
      return Consumed.DONE;
    }
    var change = EpochCodec.membershipChange(epoch);
    if (change.isPresent()) {
      io.snapbank.node.core.EpochResult r = core.onMembership(change.get(), 0);
      positions.put(Input.EPOCHS, e.offset() + 1);
      pending.balancesChanged = true;
      follow(core.topology());
      waiting.clear();
      known = knownIn(core.state());
      gone = r == io.snapbank.node.core.EpochResult.GONE;
      return Consumed.SWITCHED;
    }
    crash(); // the driver aborts its open transaction and rewinds
    RestoreResult r =
        core.onRestore(EpochCodec.restorePlan(epoch, id), new LogRanges(channels, serdes));
    if (r.outcome() != RestoreResult.Outcome.APPLIED) {
      halted = "restore refused: " + r.detail();
      return Consumed.HALTED;
    }
    positions.put(Input.EPOCHS, e.offset() + 1);
    pending.balancesChanged = true;
    waiting.clear();
    known = knownIn(core.state()); // open recordings were dropped: they may start again
    return Consumed.RESTORED;
  }

  /** Channel ranges read from the simulated logs. */
  private record LogRanges(Map<Input, SimLog> channels, SnapbankSerdes serdes)
      implements RangeSource {
    @Override
    public Optional<String> read(ChannelRange range, Sink sink) {
      SimLog log = channels.get(Input.of(range.fromLane()));
      for (SimLog.Entry e : log.entries()) {
        if (e.offset() >= range.firstOffset() && e.offset() < range.markerOffset()) {
          if (e.decoded() instanceof ChannelMessage m) {
            sink.record(e.offset(), m);
          } else {
            sink.undecodable(e.offset());
          }
        }
      }
      return Optional.empty();
    }
  }

  /** The workload's orders due at {@code nowMs}. */
  void generate(long nowMs, long backlog) {
    workload.due(nowMs, backlog, order -> core.transfer(order, nowMs));
  }

  /**
   * Commits: the pending channel records go to {@code out} (receiver → encoded records), the
   * reports and truths become committed, and the checkpoint and positions are saved.
   */
  Committed commit() {
    NodeState state = core.state();
    transaction++;
    checkpoint =
        serdes.nodeCheckpoint().encode(CheckpointCodec.encode(state, transaction, transaction));
    committedState = CheckpointCodec.decode(serdes.nodeCheckpoint().decode(checkpoint));
    committedPositions.clear();
    committedPositions.putAll(positions);
    quarantined.addAll(pending.quarantined);
    Map<Lane, List<byte[]>> sends = new TreeMap<>();
    pending.sends.forEach(
        (to, msgs) -> {
          List<byte[]> bytes = new ArrayList<>();
          msgs.forEach(m -> bytes.add(serdes.channelRecord().encode(ChannelCodec.toRecord(m))));
          sends.put(to, bytes);
        });
    List<LocalSnapshot> reports = new ArrayList<>();
    for (LocalSnapshot s : pending.reports) {
      byte[] report = serdes.localSnapshotReport().encode(ReportCodec.report(s));
      reports.add(ReportCodec.snapshot(serdes.localSnapshotReport().decode(report)));
    }
    Committed c = new Committed(sends, reports, new HashMap<>(pending.truths));
    pending.clear();
    return c;
  }

  /** What one commit made visible. */
  record Committed(
      Map<Lane, List<byte[]>> sends,
      List<LocalSnapshot> reports,
      Map<Long, BankObservation.Truth> truths) {}

  /** Loses everything since the last commit and resumes from the checkpoint's bytes. */
  void crash() {
    pending.clear();
    NodeState state = CheckpointCodec.decode(serdes.nodeCheckpoint().decode(checkpoint));
    core = new NodeCore(state, pending);
    follow(core.topology());
    positions.clear();
    positions.putAll(committedPositions);
    known = knownIn(state);
    waiting.clear();
    gone = state.mode() == io.snapbank.node.core.NodeMode.GONE;
  }

  /** Reads the channels of {@code t}: new ones from their start, dropped ones no more. */
  private void follow(NodeTopology t) {
    for (Map<Input, Long> m : List.of(positions, committedPositions)) {
      m.keySet().removeIf(in -> in.isChannel() && !t.incomingLanes().contains(in.lane()));
      t.incomingLanes().forEach(l -> m.putIfAbsent(Input.of(l), 0L));
    }
  }

  /** Whether the node has work that a commit would make visible. */
  boolean dirty() {
    return !pending.sends.isEmpty()
        || !pending.reports.isEmpty()
        || !pending.quarantined.isEmpty()
        || !positions.equals(committedPositions)
        || pending.balancesChanged;
  }

  /** Ids the node recorded or finished. */
  private static TreeSet<Long> knownIn(NodeState state) {
    TreeSet<Long> ids = new TreeSet<>(state.engine().finished());
    for (EngineState.OpenSnapshotState s : state.engine().open()) {
      ids.add(s.snapshotId());
    }
    return ids;
  }

  /**
   * An observer outside the node notes what it holds whenever it starts a recording: {@code s}, the
   * state at the moment the input that started it was taken.
   */
  private void noteRecordings(NodeState s) {
    TreeSet<Long> now = new TreeSet<>(core.openSnapshots());
    pending.reports.forEach(r -> now.add(r.snapshotId()));
    for (long sid : now) {
      if (known.add(sid)) {
        pending.truths.put(sid, new BankObservation.Truth(s.balances(), s.sent(), s.received()));
      }
    }
  }

  /** Effects of the open transaction. */
  private static final class Pending implements NodeOutput {
    /** Per outgoing lane (receiver, index), the records written on it. */
    final SortedMap<Lane, List<ChannelMessage>> sends = new TreeMap<>();

    final List<LocalSnapshot> reports = new ArrayList<>();
    final List<Quarantined> quarantined = new ArrayList<>();
    final Map<Long, BankObservation.Truth> truths = new HashMap<>();
    QuarantineReason lastReason;
    String halt;
    boolean balancesChanged;

    @Override
    public void send(int to, ChannelMessage message) {
      sends.computeIfAbsent(new Lane(to, message.lane()), k -> new ArrayList<>()).add(message);
    }

    @Override
    public void snapshotCompleted(LocalSnapshot snapshot) {
      reports.add(snapshot);
    }

    @Override
    public void balanceChanged(String account, long balance) {
      balancesChanged = true;
    }

    @Override
    public void quarantine(QuarantineReason reason, String detail) {
      lastReason = reason;
    }

    @Override
    public void halt(String reason) {
      halt = reason;
    }

    void clear() {
      sends.clear();
      reports.clear();
      quarantined.clear();
      truths.clear();
      balancesChanged = false;
    }
  }
}
