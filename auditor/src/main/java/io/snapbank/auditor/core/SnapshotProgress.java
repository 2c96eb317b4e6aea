package io.snapbank.auditor.core;

import java.util.List;

/**
 * What the bank's topics tell about one snapshot's progress, gathered for {@link WhyDiagnosis}: its
 * stage, request, members, each member's part and each channel between the members, as seen at one
 * moment. Immutable.
 *
 * @param stage where the snapshot stands
 * @param abortReason for {@link Stage#ABORTED}, the reason the auditor gave; otherwise empty
 * @param requestedAtMs when it was requested (0: no request seen)
 * @param epoch the epoch it belongs to (-1: not known)
 * @param members the nodes it covers, ascending
 * @param nodes one entry per member
 * @param channels one entry per channel between the members (sender to receiver)
 */
public record SnapshotProgress(
    long snapshotId,
    Stage stage,
    String abortReason,
    long requestedAtMs,
    long epoch,
    List<Integer> members,
    List<NodeProgress> nodes,
    List<ChannelProgress> channels) {

  /** Where a snapshot stands. */
  public enum Stage {
    /** Requested or reported, no verdict yet. */
    PENDING,
    ABORTED,
    CONSISTENT,
    VIOLATION
  }

  public SnapshotProgress {
    abortReason = abortReason == null ? "" : abortReason;
    members = List.copyOf(members);
    nodes = List.copyOf(nodes);
    channels = List.copyOf(channels);
  }

  /**
   * One member's part.
   *
   * @param recorded it recorded its state for the snapshot (its checkpoint holds the snapshot open
   *     or finished, it reported, or its markers are in the log)
   * @param reported its report is on the reports topic
   * @param lastCommitMs when its latest checkpoint was written (-1: it never committed)
   * @param nodeEpoch the epoch of its latest checkpoint (-1: not known)
   */
  public record NodeProgress(
      int node, boolean recorded, boolean reported, long lastCommitMs, long nodeEpoch) {}

  /**
   * Channel {@code from}→{@code to}: partition {@code to} of {@code <prefix>.transfers.<from>}.
   *
   * @param closed the receiver has taken the snapshot's marker from the channel (the channel's
   *     recording is complete)
   * @param receiverPosition the offset after the last record the receiver consumed, as of its
   *     latest checkpoint (-1: not known)
   * @param markerOffset where the snapshot's marker is in the committed log (-1: not found there)
   * @param lastStableOffset the partition's end for read_committed readers (-1: not known)
   * @param highWatermark the partition's end for read_uncommitted readers (-1: not known)
   */
  public record ChannelProgress(
      int from,
      int to,
      boolean closed,
      long receiverPosition,
      long markerOffset,
      long lastStableOffset,
      long highWatermark) {

    /**
     * Records between the receiver's position and the marker: 0 once the channel is closed; with
     * the marker not yet committed, those up to the committed end (the marker comes after them); -1
     * when the receiver's position is not known.
     */
    public long recordsBeforeMarker() {
      if (closed) {
        return 0;
      }
      if (receiverPosition < 0) {
        return -1;
      }
      long until = markerOffset >= 0 ? markerOffset : lastStableOffset;
      return Math.max(0, until - receiverPosition);
    }

    /** An open transaction holds the read_committed boundary below the high watermark. */
    public boolean openTransaction() {
      return lastStableOffset >= 0 && highWatermark > lastStableOffset;
    }

    /** The channel's name, {@code from->to}. */
    public String name() {
      return from + "->" + to;
    }
  }

  /** The entry of member {@code node}, or null. */
  public NodeProgress node(int node) {
    for (NodeProgress n : nodes) {
      if (n.node() == node) {
        return n;
      }
    }
    return null;
  }
}
