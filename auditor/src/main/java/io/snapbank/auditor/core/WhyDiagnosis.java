package io.snapbank.auditor.core;

import io.snapbank.auditor.core.Diagnosis.Cause;
import io.snapbank.auditor.core.SnapshotProgress.ChannelProgress;
import io.snapbank.auditor.core.SnapshotProgress.NodeProgress;
import io.snapbank.auditor.core.SnapshotProgress.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Names the one most likely reason a snapshot is pending or was aborted, from what its {@link
 * SnapshotProgress} shows. The causes are tried upstream first, since a stopped node stops every
 * channel behind it: a restore or membership change that ended it; a member that has not recorded
 * (behind the snapshot's epoch, committing nothing since the request, or not reached by a request
 * or marker yet); then, for the channels a recorded receiver still waits on, a marker held behind
 * an open transaction, a marker missing from the log, or a receiver still reading towards its
 * marker (the channel with the most records left); then a report not committed yet; last, the
 * auditor. Pure.
 */
public final class WhyDiagnosis {
  private WhyDiagnosis() {}

  /** The diagnosis of {@code p} as of {@code nowMs}. */
  public static Diagnosis diagnose(SnapshotProgress p, long nowMs) {
    boolean past = p.stage() == Stage.ABORTED;
    List<String> evidence = evidence(p, nowMs);
    if (p.stage() == Stage.CONSISTENT || p.stage() == Stage.VIOLATION) {
      return new Diagnosis(
          Cause.COMPLETE,
          "snapshot "
              + p.snapshotId()
              + " is complete ("
              + p.stage()
              + "): nothing holds it back; see 'snapbank report "
              + p.snapshotId()
              + "'",
          evidence);
    }
    if (past && p.abortReason().equals(AbortReason.SUPERSEDED.name())) {
      return new Diagnosis(
          Cause.SUPERSEDED,
          "a restore abandoned the timeline the snapshot was taken in: it can no longer complete",
          evidence);
    }
    if (past && p.abortReason().equals(AbortReason.EPOCH_CHANGED.name())) {
      return new Diagnosis(
          Cause.EPOCH_CHANGED,
          "the bank's members changed before every member had reported: the auditor requested it"
              + " again in the new epoch",
          evidence);
    }
    Optional<Diagnosis> node = unrecordedMember(p, past, evidence);
    if (node.isPresent()) {
      return node.get();
    }
    Optional<Diagnosis> channel = blockedChannel(p, past, evidence);
    if (channel.isPresent()) {
      return channel.get();
    }
    for (NodeProgress n : p.nodes()) {
      if (!n.reported()) {
        return new Diagnosis(
            Cause.REPORT_NOT_COMMITTED,
            "node "
                + n.node()
                + (past
                    ? " had recorded every channel but its report did not arrive before the"
                        + " timeout"
                    : " has recorded every channel; its report comes with its next commit")
                + lastCommit(n, p.requestedAtMs(), nowMs),
            evidence);
      }
    }
    return new Diagnosis(
        Cause.AUDITOR_BEHIND,
        past
            ? "every member reported, but too late: the auditor's timeout ran out first"
            : "every member has reported; the auditor has not published the verdict yet (it"
                + " does once it has also read the snapshot's request): is it running and keeping"
                + " up with the reports and audit-inputs topics?",
        evidence);
  }

  private static Optional<Diagnosis> unrecordedMember(
      SnapshotProgress p, boolean past, List<String> evidence) {
    NodeProgress stopped = null;
    NodeProgress behindEpoch = null;
    NodeProgress idle = null;
    for (NodeProgress n : p.nodes()) {
      if (n.recorded()) {
        continue;
      }
      if (p.epoch() >= 0 && n.nodeEpoch() >= 0 && n.nodeEpoch() < p.epoch()) {
        behindEpoch = behindEpoch == null ? n : behindEpoch;
      } else if (n.lastCommitMs() < 0
          || (p.requestedAtMs() > 0 && n.lastCommitMs() < p.requestedAtMs())) {
        stopped = stopped == null ? n : stopped;
      } else {
        idle = idle == null ? n : idle;
      }
    }
    if (stopped != null) {
      String since =
          stopped.lastCommitMs() < 0
              ? " has never committed"
              : " has committed nothing since "
                  + seconds(p.requestedAtMs() - stopped.lastCommitMs())
                  + " before the request";
      return Optional.of(
          new Diagnosis(
              Cause.NODE_DOWN,
              "node "
                  + stopped.node()
                  + since
                  + ": it is down or stuck, so it "
                  + (past ? "never recorded" : "has not recorded")
                  + " and sends no markers; start it (or see its log)",
              evidence));
    }
    if (behindEpoch != null) {
      return Optional.of(
          new Diagnosis(
              Cause.NODE_BEHIND_EPOCH,
              "node "
                  + behindEpoch.node()
                  + " is in epoch "
                  + behindEpoch.nodeEpoch()
                  + ", the snapshot belongs to epoch "
                  + p.epoch()
                  + ": it records only once it has applied the change",
              evidence));
    }
    if (idle != null) {
      int node = idle.node();
      List<ChannelProgress> incoming =
          p.channels().stream().filter(c -> c.to() == node && c.markerOffset() >= 0).toList();
      String why =
          incoming.isEmpty()
              ? " and no marker is on its way to it yet (it was not asked to initiate, or has not"
                  + " read the request)"
              : " although the marker on channel "
                  + incoming.get(0).name()
                  + " is committed: it is "
                  + incoming.get(0).recordsBeforeMarker()
                  + " records behind it";
      return Optional.of(
          new Diagnosis(
              Cause.NODE_NOT_RECORDED,
              "node "
                  + node
                  + " is running but "
                  + (past ? "never recorded" : "has not recorded")
                  + why,
              evidence));
    }
    return Optional.empty();
  }

  private static Optional<Diagnosis> blockedChannel(
      SnapshotProgress p, boolean past, List<String> evidence) {
    List<ChannelProgress> open =
        p.channels().stream()
            .filter(c -> !c.closed())
            .filter(c -> p.node(c.to()) == null || !p.node(c.to()).reported())
            .toList();
    for (ChannelProgress c : open) {
      if (c.markerOffset() < 0 && c.openTransaction()) {
        return Optional.of(
            new Diagnosis(
                Cause.OPEN_TRANSACTION,
                "an open transaction holds channel "
                    + c.name()
                    + " at offset "
                    + c.lastStableOffset()
                    + " (high watermark "
                    + c.highWatermark()
                    + "): node "
                    + c.to()
                    + " reads read_committed and cannot see past it, and the marker of node "
                    + c.from()
                    + " is not in the committed log before it; a producer of transfers."
                    + c.from()
                    + " that stopped with its transaction open keeps it so until it is fenced or"
                    + " times out",
                evidence));
      }
    }
    for (ChannelProgress c : open) {
      if (c.markerOffset() < 0) {
        return Optional.of(
            new Diagnosis(
                Cause.MARKER_MISSING,
                "node "
                    + c.from()
                    + " recorded, but its marker is not in the committed log of channel "
                    + c.name()
                    + (c.lastStableOffset() >= 0
                        ? " (read up to offset " + c.lastStableOffset() + ")"
                        : "")
                    + ", so node "
                    + c.to()
                    + (past ? " could not close" : " cannot close")
                    + " the channel",
                evidence));
      }
    }
    Optional<ChannelProgress> furthest =
        open.stream().max(Comparator.comparingLong(ChannelProgress::recordsBeforeMarker));
    if (furthest.isPresent()) {
      ChannelProgress c = furthest.get();
      String text =
          past
              ? "node "
                  + c.to()
                  + " did not reach the marker on channel "
                  + c.name()
                  + " (offset "
                  + c.markerOffset()
                  + ") before the timeout: it was too slow reading the channel then, or an open"
                  + " transaction held the channel's read_committed boundary below the marker"
                  + (c.receiverPosition() > c.markerOffset() ? " (it has read past it since)" : "")
              : "node "
                  + c.to()
                  + " has "
                  + c.recordsBeforeMarker()
                  + " records to read on channel "
                  + c.name()
                  + " before it reaches the marker (at offset "
                  + c.markerOffset()
                  + "): it is slow, or not polling";
      return Optional.of(new Diagnosis(Cause.RECEIVER_BEHIND, text, evidence));
    }
    return Optional.empty();
  }

  /** One line per member and per channel still open, as they stand. */
  public static List<String> evidence(SnapshotProgress p, long nowMs) {
    List<String> out = new ArrayList<>();
    for (NodeProgress n : p.nodes()) {
      out.add(
          "node "
              + n.node()
              + ": "
              + (n.recorded() ? "recorded" : "not recorded")
              + ", "
              + (n.reported() ? "reported" : "not reported")
              + (n.nodeEpoch() >= 0 ? ", in epoch " + n.nodeEpoch() : "")
              + lastCommit(n, p.requestedAtMs(), nowMs));
    }
    for (ChannelProgress c : p.channels()) {
      if (c.closed()) {
        continue;
      }
      StringBuilder b = new StringBuilder("channel ").append(c.name()).append(": open at node ");
      b.append(c.to()).append(", ");
      if (c.markerOffset() >= 0) {
        b.append("marker at offset ").append(c.markerOffset());
        if (c.receiverPosition() >= 0) {
          b.append(", receiver at ")
              .append(c.receiverPosition())
              .append(": ")
              .append(c.recordsBeforeMarker())
              .append(" records before the marker");
        }
      } else {
        b.append("no marker in the committed log");
        if (c.receiverPosition() >= 0) {
          b.append(", receiver at ")
              .append(c.receiverPosition())
              .append(" of ")
              .append(c.lastStableOffset());
        }
      }
      if (c.lastStableOffset() >= 0) {
        b.append(c.openTransaction() ? "; open transaction: " : "; no open transaction: ")
            .append("last stable offset ")
            .append(c.lastStableOffset())
            .append(c.openTransaction() ? " < " : " = ")
            .append("high watermark ")
            .append(c.highWatermark());
      }
      out.add(b.toString());
    }
    return out;
  }

  private static String lastCommit(NodeProgress n, long requestedAtMs, long nowMs) {
    if (n.lastCommitMs() < 0) {
      return "; never committed";
    }
    String s = "; last commit " + seconds(nowMs - n.lastCommitMs()) + " ago";
    if (requestedAtMs > 0 && n.lastCommitMs() < requestedAtMs) {
      s += " (" + seconds(requestedAtMs - n.lastCommitMs()) + " before the request)";
    }
    return s;
  }

  /** {@code ms} as seconds with one decimal, e.g. {@code 12.3 s}. */
  static String seconds(long ms) {
    long tenths = Math.max(0, ms) / 100;
    return tenths / 10 + "." + tenths % 10 + " s";
  }
}
