package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * The snapshots recording on one node, by id, and the most recent ids that finished there (so late
 * markers and requests cannot restart them). Starting a recording captures the node's state, opens
 * every incoming lane where the node stands on it and sends a marker on every outgoing lane;
 * completing one hands its local snapshot to the outbox. Which events start, close and complete
 * recordings is the {@link SnapshotEngine}'s to decide. Mutable; owned by one engine.
 */
final class Recordings {
  private final int nodeId;
  private final ChannelBook channels;
  private final SnapshotEngine.StateSource state;
  private final SnapshotEngine.Outbox outbox;
  private final boolean collectMessages;
  private final ChannelOrder order;
  private final LongConsumer started;
  private final SortedMap<Long, Recording> open = new TreeMap<>();
  private final FinishedIds finished;

  /**
   * @param started told of every recording started, once it is open and before its markers go out
   * @param rememberFinished how many finished ids are remembered
   */
  Recordings(
      int nodeId,
      ChannelBook channels,
      SnapshotEngine.StateSource state,
      SnapshotEngine.Outbox outbox,
      boolean collectMessages,
      ChannelOrder order,
      LongConsumer started,
      int rememberFinished) {
    this.nodeId = nodeId;
    this.channels = channels;
    this.state = state;
    this.outbox = outbox;
    this.collectMessages = collectMessages;
    this.order = order;
    this.started = started;
    this.finished = new FinishedIds(rememberFinished);
  }

  /** Ids of the open recordings, ascending (a copy). */
  SortedSet<Long> ids() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(open.keySet()));
  }

  /** The open recording of {@code snapshotId}, or null. */
  Recording get(long snapshotId) {
    return open.get(snapshotId);
  }

  /** The open recordings, by ascending id (a copy). */
  List<Recording> all() {
    return new ArrayList<>(open.values());
  }

  /** Whether {@code snapshotId} completed or was aborted here (and is still remembered). */
  boolean isFinished(long snapshotId) {
    return finished.contains(snapshotId);
  }

  /**
   * Records local state, opens every incoming lane (closing {@code markerFrom}, when not null,
   * empty at {@code markerOffset}) and sends markers, in ascending order of destination.
   */
  Recording start(
      long snapshotId, long requestedAtMs, long nowMs, Lane markerFrom, long markerOffset) {
    Recording r =
        new Recording(
            snapshotId,
            requestedAtMs,
            nowMs,
            state.capture(),
            state.sentCounters(),
            state.receivedCounters(),
            channels.nextOffsets(),
            channels.lastSeqs(),
            channels.closedIncoming(),
            collectMessages,
            order);
    if (markerFrom != null) {
      r.closeEmpty(markerFrom, markerOffset);
    }
    open.put(snapshotId, r);
    started.accept(snapshotId);
    SortedMap<Integer, ChannelCounters> sent = state.sentCounters();
    channels
        .takeMarkerSeqs()
        .forEach(
            (to, seq) ->
                outbox.sendMarker(
                    to, seq, snapshotId, sent.getOrDefault(to.node(), ChannelCounters.ZERO)));
    return r;
  }

  /** Completes {@code r}, whose lanes are all closed: COMPLETED. */
  Outcome complete(Recording r, long nowMs) {
    open.remove(r.snapshotId);
    finished.add(r.snapshotId);
    outbox.completed(r.complete(nodeId, nowMs));
    return Outcome.COMPLETED;
  }

  /** Drops every recording (remembered as finished); returns their ids. */
  List<Long> abortAll() {
    List<Long> ids = new ArrayList<>(open.keySet());
    for (long id : ids) {
      open.remove(id);
      finished.add(id);
    }
    return ids;
  }

  /** Drops {@code snapshotId}: ABORTED if it was recording, LATE if finished, else UNKNOWN. */
  Outcome abort(long snapshotId) {
    if (finished.contains(snapshotId)) {
      return Outcome.LATE;
    }
    Recording r = open.remove(snapshotId);
    finished.add(snapshotId);
    return r == null ? Outcome.UNKNOWN : Outcome.ABORTED;
  }

  /** The open recordings as saved values, by ascending id. */
  List<EngineState.OpenSnapshotState> save() {
    List<EngineState.OpenSnapshotState> snaps = new ArrayList<>();
    for (Recording r : open.values()) {
      snaps.add(r.save());
    }
    return List.copyOf(snaps);
  }

  /** The remembered finished ids, oldest first. */
  List<Long> finished() {
    return finished.list();
  }

  /** Replaces the recordings and finished ids with the saved ones, on the channels as they are. */
  void restore(EngineState saved) {
    open.clear();
    for (EngineState.OpenSnapshotState s : saved.open()) {
      open.put(
          s.snapshotId(),
          Recording.restore(s, channels.nextOffsets(), channels.lastSeqs(), nodeId, order));
    }
    finished.replace(saved.finished());
  }
}
