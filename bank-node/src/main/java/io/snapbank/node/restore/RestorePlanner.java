package io.snapbank.node.restore;

import io.snapbank.node.core.BankAccounts;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.CutAccount;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.RestoreCut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure part of a restore: the checks a cut must pass before anything changes, and the epoch
 * record that makes the switch. The checks that need the log (ranges, replay) and the nodes'
 * progress take their findings as arguments.
 */
public final class RestorePlanner {
  private RestorePlanner() {}

  /** CONSISTENT: the auditor's verdict, and no deep audit that found the cut wrong. */
  public static RestoreCheck consistent(AuditReport r) {
    if (r.getStatus() != AuditStatus.CONSISTENT) {
      return RestoreCheck.fail(
          RestoreCheck.Rule.CONSISTENT,
          "snapshot " + r.getSnapshotId() + " is " + r.getStatus() + " " + r.getProblems());
    }
    if (r.getDeepAudit() != null && !r.getDeepAudit().getVerified()) {
      return RestoreCheck.fail(
          RestoreCheck.Rule.CONSISTENT,
          "the deep audit of snapshot "
              + r.getSnapshotId()
              + " did not verify it: "
              + r.getDeepAudit().getProblems());
    }
    return RestoreCheck.pass(
        RestoreCheck.Rule.CONSISTENT,
        "audited CONSISTENT"
            + (r.getDeepAudit() == null ? "" : ", deep audit verified")
            + ": balances "
            + r.getBalancesTotal()
            + " + in flight "
            + r.getInFlightTotal()
            + " = "
            + r.getExpectedTotal());
  }

  /** NODE_STATE: every member's recorded balances, for exactly the accounts it owns. */
  public static RestoreCheck nodeState(AuditReport r, List<Integer> members, BankAccounts bank) {
    Map<Integer, NodeFigure> byNode = new TreeMap<>();
    r.getNodes().forEach(f -> byNode.put(f.getNodeId(), f));
    List<String> wrong = new ArrayList<>();
    for (int m : members) {
      NodeFigure f = byNode.get(m);
      if (f == null || f.getBalances().isEmpty()) {
        wrong.add("node " + m + " has no recorded balances");
        continue;
      }
      Set<String> recorded = new TreeSet<>();
      f.getBalances().forEach(b -> recorded.add(b.getAccount()));
      Set<String> owned = new TreeSet<>(bank.accountsOf(m));
      if (!recorded.equals(owned)) {
        wrong.add("node " + m + " recorded accounts " + recorded + " but owns " + owned);
      }
    }
    return wrong.isEmpty()
        ? RestoreCheck.pass(
            RestoreCheck.Rule.NODE_STATE, "recorded balances of nodes " + members + " present")
        : RestoreCheck.fail(RestoreCheck.Rule.NODE_STATE, String.join("; ", wrong));
  }

  /** SAME_MEMBERSHIP: the members at the cut's epoch are today's. */
  public static RestoreCheck sameMembership(List<Integer> atCut, List<Integer> now) {
    return atCut.equals(now)
        ? RestoreCheck.pass(RestoreCheck.Rule.SAME_MEMBERSHIP, "members " + now)
        : RestoreCheck.fail(
            RestoreCheck.Rule.SAME_MEMBERSHIP,
            "the cut was taken with members " + atCut + ", the bank now has " + now);
  }

  /**
   * NO_CHANGE_IN_PROGRESS: every member already applied the current epoch ({@code nodeEpochs}:
   * member → the epoch of its latest checkpoint).
   */
  public static RestoreCheck noChangeInProgress(long current, Map<Integer, Long> nodeEpochs) {
    List<Integer> behind = new ArrayList<>();
    nodeEpochs.forEach(
        (node, epoch) -> {
          if (epoch < current) {
            behind.add(node);
          }
        });
    return behind.isEmpty()
        ? RestoreCheck.pass(
            RestoreCheck.Rule.NO_CHANGE_IN_PROGRESS, "every member runs in epoch " + current)
        : RestoreCheck.fail(
            RestoreCheck.Rule.NO_CHANGE_IN_PROGRESS,
            "nodes "
                + behind
                + " have not applied epoch "
                + current
                + " yet (are they running?); restore again once they have");
  }

  /**
   * RECORDS_READABLE: the records a restore reads that this release cannot read ({@code
   * unreadable}: writer schema neither its own nor in the schema store {@code store}), the first
   * few named; passed when there are none.
   */
  public static RestoreCheck recordsReadable(List<String> unreadable, String store) {
    if (unreadable.isEmpty()) {
      return RestoreCheck.pass(
          RestoreCheck.Rule.RECORDS_READABLE,
          "the epoch log, the cut's report and its recorded ranges decode with this release and"
              + " the schemas in "
              + store);
    }
    int shown = Math.min(5, unreadable.size());
    return RestoreCheck.fail(
        RestoreCheck.Rule.RECORDS_READABLE,
        unreadable.size()
            + " records this release cannot read (register their schemas in "
            + store
            + "): "
            + String.join("; ", unreadable.subList(0, shown))
            + (shown < unreadable.size() ? "; and " + (unreadable.size() - shown) + " more" : ""));
  }

  /** A check from findings: passed when {@code problems} is empty. */
  public static RestoreCheck fromFindings(
      RestoreCheck.Rule rule, List<String> problems, String ok) {
    return problems.isEmpty()
        ? RestoreCheck.pass(rule, ok)
        : RestoreCheck.fail(rule, String.join("; ", problems));
  }

  /**
   * The epoch record that rolls the bank back to cut {@code r}: epoch {@code epoch}, a restore (so
   * it is its own incarnation), with the cut's balances and in-flight ranges.
   */
  public static BankEpoch restoreEpoch(
      AuditReport r,
      long epoch,
      long cutIncarnation,
      List<Integer> members,
      String requestedBy,
      String reason,
      long nowMs) {
    List<CutAccount> balances = new ArrayList<>();
    for (NodeFigure f : r.getNodes()) {
      for (AccountBalance b : f.getBalances()) {
        balances.add(new CutAccount(f.getNodeId(), b.getAccount(), b.getBalance()));
      }
    }
    RestoreCut cut =
        RestoreCut.newBuilder()
            .setSnapshotId(r.getSnapshotId())
            .setCutEpoch(r.getEpoch())
            .setCutIncarnation(cutIncarnation)
            .setExpectedTotal(r.getExpectedTotal())
            .setBalances(balances)
            .setChannels(new ArrayList<ChannelState>(r.getChannels()))
            .build();
    return BankEpoch.newBuilder()
        .setEpoch(epoch)
        .setIncarnation(epoch)
        .setKind(EpochKind.RESTORE)
        .setMembers(new ArrayList<>(members))
        .setCreatedAtMs(nowMs)
        .setRequestedBy(requestedBy)
        .setReason(reason)
        .setRestore(cut)
        .build();
  }
}
