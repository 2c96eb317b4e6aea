package io.snapbank.node.kafka;

import java.util.Map;

/**
 * What one node's process has done since it started, as of its last commit: a report published to
 * listeners after every commit. The bank's own counts per channel are in the node's protocol state
 * (its checkpoint), not here.
 *
 * @param transfersSent remote transfers sent, in committed transactions
 * @param localTransfers transfers between two accounts of this node, committed
 * @param rejected generated transfers refused for lack of funds
 * @param credits remote transfers received and credited, committed
 * @param quarantined records set aside, by reason
 * @param ignoredMarkers markers of unknown or finished snapshots
 * @param snapshotsCompleted local snapshots reported
 * @param snapshotsAborted snapshots dropped on an abort
 * @param commits transactions committed by this process
 * @param aborts transactions aborted by this process
 * @param resumes transactions the coordinator aborted (they outlived the transaction timeout) after
 *     which this process took the node back and resumed from its last commit
 */
public record NodeStats(
    long transfersSent,
    long localTransfers,
    long rejected,
    long credits,
    Map<String, Long> quarantined,
    long ignoredMarkers,
    long snapshotsCompleted,
    long snapshotsAborted,
    long commits,
    long aborts,
    long resumes) {

  public long quarantinedTotal() {
    long t = 0;
    for (long v : quarantined.values()) {
      t += v;
    }
    return t;
  }
}
