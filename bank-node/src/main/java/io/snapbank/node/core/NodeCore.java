package io.snapbank.node.core;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * A bank node's whole protocol: what it does with every input, as one pure, deterministic state
 * machine. No Kafka, threads, clocks or randomness: inputs come in through one method each, time as
 * an argument, effects go out through the {@link NodeOutput} port, recorded channel ranges are read
 * through the {@link RangeSource} port, and {@link #state()} is the value a checkpoint stores. A
 * driver polls the world and feeds it; the simulator does the same with a seeded network. Not
 * thread-safe: drive it from one thread.
 *
 * <pre>
 * input                          effects                                   result
 * channel record, acceptable     credit (balanceChanged) / marker handling  CREDITED, MARKER_*
 *   (see {@link ChannelRule})    via {@link SnapshotEngine} (send, snapshotCompleted)
 * channel record, bad content    quarantine(reason)                        QUARANTINED
 *   or repeated sequence number
 * channel record, sequence gap   quarantine(SEQUENCE_GAP), halt            HALTED (not consumed)
 * channel record, older epoch    -                                         SUPERSEDED
 *   than the last restore
 * channel record, later epoch    -                                         WAITING (not consumed)
 * record of an unknown epoch     quarantine(UNKNOWN_EPOCH)                 QUARANTINED
 * unreadable record              quarantine(UNDECODABLE)                   QUARANTINED
 * snapshot request naming this   record state, send markers                REQUEST_APPLIED
 *   node (or all nodes)
 * other snapshot request, or one -                                         REQUEST_IGNORED
 *   of an earlier epoch
 * snapshot request, later epoch  -                                         WAITING (not consumed)
 * final record of a channel      close it; a leaving node with every       CHANNEL_CLOSED
 *                                  channel in closed drains to its heirs
 * record after a channel's final quarantine(CLOSED_CHANNEL)                QUARANTINED
 * membership change              drop open recordings, rewire channels     {@link EpochResult}
 *                                  ({@link Rewiring}), send final records
 * abort of a recording snapshot  drop it                                   ABORT_APPLIED
 * transfer order                 debit, send transfer (or local credit)    {@link TransferResult}
 * restore to a verified cut      balances := cut + replayed in-flight      {@link RestoreResult}
 * </pre>
 *
 * Everything a node sends carries its epoch. After a halt the core takes no more input. The core
 * holds the node's standing (channels, epoch, mode, balances); what arrives on its channels is a
 * {@link ChannelReceiver}'s to judge and apply, what goes out on them a {@link ChannelSender}'s.
 */
public final class NodeCore {
  /**
   * Finished snapshot ids remembered (they travel in every checkpoint; a marker or request can only
   * come late by a few snapshots).
   */
  public static final int REMEMBER_FINISHED = 1_024;

  private NodeTopology topology;
  private final NodeOutput out;
  private Ledger ledger;
  private SnapshotEngine engine;
  private ChannelSender sender;
  private ChannelReceiver receiver;
  private ChannelRule.Epochs epochs;
  private NodeMode mode;
  private List<AccountRef> heirs;
  private boolean halted;

  /** A core that continues from {@code state} (its channels are the state's). */
  public NodeCore(NodeState state, NodeOutput out) {
    this(state.topology(), state, out);
  }

  /** A core that continues from {@code state}, with channels {@code topology}. */
  public NodeCore(NodeTopology topology, NodeState state, NodeOutput out) {
    if (state.nodeId() != topology.nodeId()) {
      throw new IllegalArgumentException(
          "state of node " + state.nodeId() + " given to node " + topology.nodeId());
    }
    this.topology = topology;
    this.out = out;
    load(state);
  }

  private void load(NodeState state) {
    this.ledger = new Ledger(state.balances());
    this.engine =
        new SnapshotEngine(
            topology.nodeId(),
            topology.incomingLanes(),
            topology.outgoingLanes(),
            new RecordedState(),
            new EngineEffects(),
            false,
            REMEMBER_FINISHED,
            topology.order());
    engine.restore(state.engine());
    this.epochs = state.epochs();
    this.sender =
        new ChannelSender(
            topology, epochs.epoch(), out, engine, state.sent(), state.lastTransferId());
    this.receiver = new ChannelReceiver(nodeId(), epochs, out, ledger, engine, state.received());
    this.mode = state.mode();
    this.heirs = state.heirs();
  }

  public int nodeId() {
    return topology.nodeId();
  }

  public NodeTopology topology() {
    return topology;
  }

  /** The current state, to checkpoint. */
  public NodeState state() {
    return new NodeState(
        topology.nodeId(),
        ledger.capture(),
        engine.save(),
        sender.sent(),
        receiver.received(),
        sender.lastTransferId(),
        epochs.epoch(),
        epochs.incarnation(),
        mode,
        heirs);
  }

  /** Where the node stands as a member. */
  public NodeMode mode() {
    return mode;
  }

  /** Where the node stands in the bank's epoch log. */
  public ChannelRule.Epochs epochs() {
    return epochs;
  }

  /** Whether this node owns {@code account}. */
  public boolean owns(String account) {
    return ledger.owns(account);
  }

  /** Balance of an own account. */
  public long balance(String account) {
    return ledger.balance(account);
  }

  /** Sum of this node's balances now. */
  public long total() {
    return ledger.total();
  }

  /** Ids of the snapshots this node is recording, ascending. */
  public SortedSet<Long> openSnapshots() {
    return engine.openSnapshots();
  }

  /** The last sequence number accepted on lane {@code from}→self. */
  public long lastReceivedSeq(Lane from) {
    return engine.lastReceivedSeq(from);
  }

  /** Whether the node stopped on a broken channel. */
  public boolean halted() {
    return halted;
  }

  // --- inputs ---

  /** A decoded record at {@code offset} of channel {@code from}→self. */
  public Handled onChannelRecord(Lane from, long offset, ChannelMessage m, long nowMs) {
    requireRunning();
    Handled h = receiver.onRecord(from, offset, m, nowMs);
    if (h == Handled.HALTED) {
      halted = true;
    } else if (h == Handled.CHANNEL_CLOSED) {
      drainIfDue(nowMs);
    }
    return h;
  }

  /**
   * A record that {@link Handled#WAITING waited} for an epoch the bank's epoch log, read to its
   * end, does not hold: it is set aside.
   */
  public Handled onRecordOfUnknownEpoch(Lane from, long offset, ChannelMessage m) {
    requireRunning();
    return receiver.onRecordOfUnknownEpoch(from, offset, m);
  }

  /** A record at {@code offset} of channel {@code from}→self that is not a channel record. */
  public Handled onUnreadableChannelRecord(Lane from, long offset, String detail) {
    requireRunning();
    return receiver.setAside(from, offset, QuarantineReason.UNDECODABLE, detail);
  }

  /** A snapshot request, a snapshot abort or an epoch record that cannot be read. */
  public Handled onUnreadableControlRecord(String detail) {
    requireRunning();
    out.quarantine(QuarantineReason.UNDECODABLE, detail);
    return Handled.QUARANTINED;
  }

  /**
   * A snapshot is requested. A request of an earlier epoch than the node's is ignored (the epoch
   * change ended that snapshot), one of a later epoch waits until the node reaches it.
   */
  public Handled onSnapshotRequest(SnapshotCall call, long nowMs) {
    requireRunning();
    if (call.epoch() != SnapshotCall.ANY_EPOCH && call.epoch() > epochs.epoch()) {
      return Handled.WAITING;
    }
    if ((call.epoch() != SnapshotCall.ANY_EPOCH && call.epoch() < epochs.epoch())
        || !call.initiates(nodeId())) {
      return Handled.REQUEST_IGNORED;
    }
    Outcome o = engine.onRequest(call.snapshotId(), call.requestedAtMs(), nowMs);
    return o == Outcome.LATE ? Handled.REQUEST_IGNORED : Handled.REQUEST_APPLIED;
  }

  /** A snapshot request names an epoch the epoch log does not hold: it is set aside. */
  public Handled onRequestOfUnknownEpoch(SnapshotCall call) {
    requireRunning();
    out.quarantine(
        QuarantineReason.UNKNOWN_EPOCH,
        "snapshot request "
            + call.snapshotId()
            + " names epoch "
            + call.epoch()
            + ", not in the epoch log (last "
            + epochs.epoch()
            + ")");
    return Handled.QUARANTINED;
  }

  /** Every node is told to drop snapshot {@code snapshotId}. */
  public Handled onSnapshotAbort(long snapshotId) {
    requireRunning();
    return engine.onAbort(snapshotId) == Outcome.ABORTED
        ? Handled.ABORT_APPLIED
        : Handled.ABORT_IGNORED;
  }

  /**
   * The bank rolls back to a verified cut: the node's balances become its recorded ones plus the
   * transfers recorded in flight towards it, read from {@code ranges} and replayed through {@link
   * ChannelRule}; their count and sum per channel must equal the recorded ones, else nothing
   * changes. Applied, the node is in the plan's epoch with it as its incarnation: no snapshot open,
   * sequence numbers and channel counters from zero, consumed positions and transfer ids kept, and
   * records of earlier epochs superseded from then on.
   */
  public RestoreResult onRestore(RestorePlan plan, RangeSource ranges) {
    requireRunning();
    if (plan.epoch() <= epochs.epoch()) {
      return new RestoreResult(RestoreResult.Outcome.ALREADY_APPLIED, "", 0, 0);
    }
    Restore.Applied applied = Restore.apply(topology, state(), plan, ranges);
    if (applied.state().isPresent()) {
      load(applied.state().get());
      ledger.capture().forEach(out::balanceChanged);
    }
    return applied.result();
  }

  /** Makes the transfer {@code order} asks for, at {@code nowMs}. */
  public TransferResult transfer(TransferOrder order, long nowMs) {
    requireRunning();
    if (mode != NodeMode.ACTIVE) {
      return TransferResult.INVALID;
    }
    boolean local = order.toNode() == nodeId();
    if ((local && (order.fromAccount().equals(order.toAccount()) || !owns(order.toAccount())))
        || (!local && !sender.canSend(order.toNode()))) {
      return TransferResult.INVALID;
    }
    switch (ledger.debit(order.fromAccount(), order.amount())) {
      case DONE -> out.balanceChanged(order.fromAccount(), ledger.balance(order.fromAccount()));
      case INSUFFICIENT_FUNDS -> {
        return TransferResult.INSUFFICIENT_FUNDS;
      }
      default -> {
        return TransferResult.INVALID;
      }
    }
    if (local) {
      ledger.credit(order.toAccount(), order.amount());
      out.balanceChanged(order.toAccount(), ledger.balance(order.toAccount()));
      return TransferResult.LOCAL;
    }
    sender.send(order, nowMs);
    return TransferResult.SENT;
  }

  /**
   * The bank's members change (an entry of the epoch log, after this node's epoch): every recording
   * of the old epoch ends here (the auditor aborts those snapshots), and the node's channels follow
   * the change. A node that is leaving drains once every member has closed its channel to it; a
   * node that is gone takes no more input that changes anything.
   */
  public EpochResult onMembership(MembershipChange change, long nowMs) {
    requireRunning();
    if (change.epoch() <= epochs.epoch()) {
      return EpochResult.ALREADY_APPLIED;
    }
    engine.abortAll();
    Rewiring r = Rewiring.of(change, topology, mode, heirs, engine::closedFrom);
    NodeState next = state().rewired(r, change.epoch());
    topology = r.topology();
    load(next);
    r.closeTo().ifPresent(sender::close);
    drainIfDue(nowMs);
    return mode == NodeMode.GONE ? EpochResult.GONE : EpochResult.APPLIED;
  }

  /** A leaving node whose incoming channels are all closed moves its money out and closes up. */
  private void drainIfDue(long nowMs) {
    if (mode == NodeMode.LEAVING && engine.allIncomingClosed()) {
      sender.drain(ledger, heirs, nowMs);
      mode = NodeMode.DRAINED;
    }
  }

  // --- internals ---

  private void requireRunning() {
    if (halted) {
      throw new IllegalStateException("node " + nodeId() + " halted; it takes no more input");
    }
  }

  /**
   * What a recording captures: balances and the channel counters, with an entry for every channel
   * of the node (zero when nothing moved on it), so a report always says what it counted.
   */
  private final class RecordedState implements SnapshotEngine.StateSource {
    @Override
    public SortedMap<String, Long> capture() {
      return ledger.capture();
    }

    @Override
    public SortedMap<Integer, ChannelCounters> sentCounters() {
      return ChannelCounters.forEach(topology.outgoing(), sender.sent());
    }

    @Override
    public SortedMap<Integer, ChannelCounters> receivedCounters() {
      return ChannelCounters.forEach(topology.incoming(), receiver.received());
    }
  }

  /**
   * The engine's effects: markers go out through the sender, completions stamped with the epoch.
   */
  private final class EngineEffects implements SnapshotEngine.Outbox {
    @Override
    public void sendMarker(Lane to, long seq, long snapshotId, ChannelCounters sent) {
      sender.sendMarker(to, seq, snapshotId, sent);
    }

    @Override
    public void completed(LocalSnapshot snapshot) {
      out.snapshotCompleted(snapshot.at(epochs));
    }
  }
}
