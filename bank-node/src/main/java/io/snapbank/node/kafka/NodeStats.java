package io.snapbank.node.kafka;

import java.util.Map;

/**
 * What one node has done, as of its last commit: a report published to listeners after every
 * commit. Transfers sent and credited count since the bank began (they are part of the node's
 * protocol state); the other figures count since this process started.
 *
 * @param transfersSent remote transfers sent and committed
 * @param localTransfers transfers between two accounts of this node
 * @param rejected generated transfers refused for lack of funds
 * @param credits remote transfers received and credited
 * @param quarantined records set aside, by reason
 * @param ignoredMarkers markers of unknown or finished snapshots
 * @param snapshotsCompleted local snapshots reported
 * @param snapshotsAborted snapshots dropped on an abort
 * @param commits transactions committed by this process
 * @param aborts transactions aborted by this process
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
    long aborts) {

  public long quarantinedTotal() {
    long t = 0;
    for (long v : quarantined.values()) {
      t += v;
    }
    return t;
  }
}
