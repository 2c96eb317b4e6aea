package io.snapbank.node.kafka;

import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.ChannelRule;
import io.snapbank.node.core.Lane;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.node.restore.RestoreCheck;
import io.snapbank.node.restore.RestorePlanner;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;

/**
 * Rolls a running bank back to a verified cut. {@link #plan} checks the cut and changes nothing;
 * {@link #commit} registers the release's writer schemas and writes the one record that switches
 * the bank (a RESTORE entry of the epoch log, written by the log's single fenced writer, {@code
 * <prefix>-epochs}); {@link #await} follows the nodes until each runs in the new epoch. A
 * controller killed at any moment leaves either the old epoch running (nothing written) or the
 * switch committed, which every node applies when it reads it (a node that is down, when it
 * starts). Not thread-safe; close it after use.
 */
public final class RestoreController implements AutoCloseable {
  private static final Duration RANGE_TIMEOUT = Duration.ofSeconds(30);
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final KafkaSchemaStore schemas;
  private final BankTopics topics;
  private final BankReader reader;

  /**
   * What a restore would do: the cut, the checks and their results, the epoch it would create, and
   * the in-flight transfers each channel would deliver again.
   */
  public record Plan(
      AuditReport cut,
      BankGenesis genesis,
      long nextEpoch,
      long cutIncarnation,
      List<Integer> members,
      List<RestoreCheck> checks,
      List<Long> superseded,
      Map<String, ChannelRangeReader.Range> replays) {
    /** Whether every check passed. */
    public boolean restorable() {
      return checks.stream().allMatch(RestoreCheck::passed);
    }

    /** The failed checks, one line each. */
    public List<String> refusals() {
      return checks.stream().filter(c -> !c.passed()).map(RestoreCheck::line).toList();
    }
  }

  /** A controller of bank {@code topics}, reading its records through the bank's schema store. */
  public RestoreController(String bootstrap, Map<String, String> overrides, BankTopics topics) {
    this.bootstrap = bootstrap;
    this.overrides = overrides;
    this.schemas = new KafkaSchemaStore(bootstrap, overrides, topics);
    this.topics = topics.resolvingWith(schemas);
    this.reader = new BankReader(bootstrap, overrides, this.topics);
  }

  /** The bank's topics, their serdes resolving writer schemas through its schema store. */
  public BankTopics topics() {
    return topics;
  }

  /** The plan of a restore to snapshot {@code snapshotId}; throws when there is no such report. */
  public Plan plan(long snapshotId) {
    BankGenesis genesis = reader.requireGenesis();
    Map<Long, AuditReport> reports = reader.auditReports();
    AuditReport cut = reports.get(snapshotId);
    String reportOfCut = "the audit report of snapshot " + snapshotId + " ";
    if (cut == null) {
      throw new IllegalArgumentException(
          reader.unreadable().stream()
              .filter(u -> u.startsWith(reportOfCut))
              .reduce((a, b) -> b)
              .map(u -> "snapshot " + snapshotId + " cannot be restored by this release: " + u)
              .orElse(
                  "bank '" + topics.prefix() + "' has no audit report for snapshot " + snapshotId));
    }
    EpochHistory history = reader.epochs(genesis);
    List<Integer> members = history.membersAt(history.current());
    BankAccounts bank = ReportCodec.accounts(genesis);
    long cutIncarnation = history.incarnationAt(cut.getEpoch());
    List<RestoreCheck> checks = new ArrayList<>();
    checks.add(RestorePlanner.consistent(cut));
    checks.add(RestorePlanner.nodeState(cut, members, bank));
    checks.add(RestorePlanner.sameMembership(history.membersAt(cut.getEpoch()), members));
    checks.add(
        history.draining().isPresent()
            ? RestoreCheck.fail(
                RestoreCheck.Rule.NO_CHANGE_IN_PROGRESS,
                "node "
                    + history.draining().get().getLeaving().getNodeId()
                    + " is leaving the bank; restore once it is gone")
            : RestorePlanner.noChangeInProgress(history.current(), reader.nodeEpochs(members)));
    Map<String, ChannelRangeReader.Range> replays = new TreeMap<>();
    List<String> gone = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    List<String> unreadable = new ArrayList<>(reader.unreadable());
    // only this cut's report matters among the reports
    unreadable.removeIf(u -> u.startsWith("the audit report of ") && !u.startsWith(reportOfCut));
    if (cut.getStatus() != AuditStatus.ABORTED) {
      replay(
          cut,
          genesis.getChannelPartitions(),
          bank,
          new ChannelRule.Epochs(cutIncarnation, cut.getEpoch()),
          replays,
          gone,
          mismatched);
    }
    replays.forEach(
        (name, r) -> r.unreadable().forEach(u -> unreadable.add("channel " + name + " " + u)));
    checks.add(
        RestorePlanner.fromFindings(
            RestoreCheck.Rule.RANGES_IN_LOG,
            gone,
            cut.getChannels().size() + " recorded ranges still in the log"));
    checks.add(
        RestorePlanner.fromFindings(
            RestoreCheck.Rule.REPLAY_MATCHES,
            mismatched,
            "replayed from the log: "
                + cut.getInFlightTotal()
                + " in flight, as recorded, on every channel"));
    checks.add(RestorePlanner.recordsReadable(unreadable, schemas.topic()));
    List<Long> superseded = new ArrayList<>();
    reports.forEach(
        (id, r) -> {
          if (id != snapshotId
              && r.getStatus() != AuditStatus.ABORTED
              && r.getRequestedAtMs() > cut.getRequestedAtMs()) {
            superseded.add(id);
          }
        });
    return new Plan(
        cut, genesis, history.current() + 1, cutIncarnation, members, checks, superseded, replays);
  }

  private void replay(
      AuditReport cut,
      int lanes,
      BankAccounts bank,
      ChannelRule.Epochs at,
      Map<String, ChannelRangeReader.Range> replays,
      List<String> gone,
      List<String> mismatched) {
    try (ChannelRangeReader ranges =
        new ChannelRangeReader(bootstrap, topics.withLanes(lanes), overrides)) {
      for (ChannelState c : cut.getChannels()) {
        Lane lane = new Lane(c.getFromNode(), c.getLane());
        String name = lane.label() + "->" + c.getToNode();
        int to = c.getToNode();
        try {
          ChannelRangeReader.Range r =
              ranges.read(
                  lane,
                  to,
                  c.getFirstOffset(),
                  c.getMarkerOffset(),
                  c.getSeqBefore(),
                  c.getColourBelow(),
                  a -> bank.owns(to, a),
                  at,
                  RANGE_TIMEOUT);
          replays.put(name, r);
          if (r.count() != c.getCount() || r.sum() != c.getSum()) {
            mismatched.add(
                "channel "
                    + name
                    + " recorded "
                    + c.getCount()
                    + " summing "
                    + c.getSum()
                    + ", the log replays "
                    + r.count()
                    + " summing "
                    + r.sum());
          }
        } catch (ChannelRangeReader.RangeUnreadableException e) {
          gone.add(e.getMessage());
        }
      }
    }
  }

  /**
   * Writes the switch to {@code plan}'s cut as the next entry of the epoch log and returns it.
   * Refuses (with the failed checks) a plan that is not restorable, and one the epoch log moved
   * past since it was made.
   */
  public BankEpoch commit(Plan plan, String requestedBy, String reason, long nowMs) {
    if (!plan.restorable()) {
      throw new IllegalStateException(
          "snapshot "
              + plan.cut().getSnapshotId()
              + " cannot be restored: "
              + String.join("; ", plan.refusals()));
    }
    return EpochLogWriter.append(
        bootstrap,
        overrides,
        topics,
        plan.genesis(),
        history -> {
          if (history.current() + 1 != plan.nextEpoch()) {
            throw new IllegalStateException(
                "the epoch log moved on to epoch "
                    + history.current()
                    + " since the plan was made; plan again");
          }
          return RestorePlanner.restoreEpoch(
              plan.cut(),
              plan.nextEpoch(),
              plan.cutIncarnation(),
              plan.members(),
              requestedBy,
              reason,
              nowMs);
        });
  }

  /**
   * Waits until every member's latest checkpoint is in {@code epoch} or later, telling {@code
   * progress} as each gets there; true when all did within {@code timeout}.
   */
  public boolean await(
      long epoch, List<Integer> members, Duration timeout, Consumer<String> progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Integer> waiting = new ArrayList<>(members);
    while (true) {
      Map<Integer, Long> now = reader.nodeEpochs(waiting);
      for (Map.Entry<Integer, Long> e : now.entrySet()) {
        if (e.getValue() >= epoch) {
          progress.accept("node " + e.getKey() + " runs in epoch " + e.getValue());
          waiting.remove(e.getKey());
        }
      }
      if (waiting.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
  }

  /**
   * Transactions of the members' transactional ids that were open before {@code sinceMs} and are
   * still open: none once every node renewed its producer in the new epoch.
   */
  public List<String> staleTransactions(List<Integer> members, long sinceMs) throws Exception {
    List<String> ids = new ArrayList<>();
    members.forEach(m -> ids.add(topics.prefix() + "-node-" + m));
    List<String> out = new ArrayList<>();
    try (Admin admin = BankSetup.admin(bootstrap, overrides)) {
      Map<String, TransactionDescription> d =
          admin.describeTransactions(ids).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
      d.forEach(
          (id, t) -> {
            if (t.state() == TransactionState.ONGOING
                && t.transactionStartTimeMs().orElse(Long.MAX_VALUE) < sinceMs) {
              out.add(id + " (open since " + t.transactionStartTimeMs().getAsLong() + ")");
            }
          });
    }
    return out;
  }

  @Override
  public void close() {
    reader.close();
    schemas.close();
  }
}
