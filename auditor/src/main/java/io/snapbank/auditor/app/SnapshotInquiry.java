package io.snapbank.auditor.app;

import io.snapbank.auditor.core.SnapshotProgress;
import io.snapbank.auditor.core.SnapshotProgress.ChannelProgress;
import io.snapbank.auditor.core.SnapshotProgress.NodeProgress;
import io.snapbank.auditor.core.SnapshotProgress.Stage;
import io.snapbank.node.core.Lane;
import io.snapbank.node.kafka.BankReader;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelRecording;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.OpenSnapshot;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Gathers a snapshot's {@link SnapshotProgress} from the bank's topics: its verdict ({@code
 * audit-reports}), request ({@code snapshot-requests}), the members' reports ({@code
 * snapshot-reports}, from shortly before the request on), each member's latest checkpoint ({@code
 * node-state}: the snapshot open or finished, per channel whether its marker arrived and where the
 * receiver stands), and per channel where the marker is in the committed log and both ends of the
 * partition. Reads only; each call uses its own clients. Thread-safe.
 */
public final class SnapshotInquiry {
  /** Reports and markers are looked for from this long before the request on (clock skew). */
  private static final long SLACK_MS = 10_000;

  /** At most this many records are read per channel looking for a marker. */
  private static final long MARKER_SCAN_LIMIT = 200_000;

  private final String bootstrap;
  private final Map<String, String> overrides;
  private final BankTopics topics;
  private final Duration timeout;

  public SnapshotInquiry(
      String bootstrap, Map<String, String> overrides, BankTopics topics, Duration timeout) {
    this.bootstrap = bootstrap;
    this.overrides = Map.copyOf(overrides);
    this.topics = topics;
    this.timeout = timeout;
  }

  /**
   * Where snapshot {@code id} stands now, or empty when the bank has no request, report or verdict
   * of it. Throws {@link IllegalStateException} when the bank has no genesis.
   */
  public Optional<SnapshotProgress> progress(long id) {
    try (BankReader bank = new BankReader(bootstrap, overrides, topics);
        LogWindow log = new LogWindow(bootstrap, overrides, timeout)) {
      BankGenesis genesis = bank.requireGenesis();
      AuditReport verdict = bank.auditReports().get(id);
      SnapshotRequest request = request(log, id);
      long requestedAt =
          request != null
              ? request.getRequestedAtMs()
              : verdict != null ? verdict.getRequestedAtMs() : 0;
      Map<Integer, LocalSnapshotReport> reports = reports(log, id, requestedAt);
      if (verdict == null && request == null && reports.isEmpty()) {
        return Optional.empty();
      }
      EpochHistory history = bank.epochs(genesis);
      long epoch =
          verdict != null
              ? verdict.getEpoch()
              : !reports.isEmpty()
                  ? reports.values().iterator().next().getEpoch()
                  : request.getEpoch() >= 0 ? request.getEpoch() : history.current();
      List<Integer> members =
          verdict != null && !verdict.getMembers().isEmpty()
              ? verdict.getMembers()
              : history.membersAt(epoch);
      Stage stage = verdict == null ? Stage.PENDING : Stage.valueOf(verdict.getStatus().name());
      String abortReason = verdict == null ? "" : verdict.getAbortReason();
      if (stage == Stage.ABORTED && abortReason.isEmpty()) {
        abortReason = "TIMED_OUT";
      }
      Map<Integer, NodeCheckpoint> checkpoints = checkpoints(log, members);
      List<ChannelProgress> channels =
          channels(
              log,
              topics.withLanes(genesis.getChannelPartitions()),
              id,
              stage,
              requestedAt,
              members,
              reports,
              checkpoints);
      List<NodeProgress> nodes = new ArrayList<>();
      for (int m : members) {
        NodeCheckpoint c = checkpoints.get(m);
        boolean reported = reports.containsKey(m);
        boolean sentMarker =
            channels.stream().anyMatch(ch -> ch.from() == m && ch.markerOffset() >= 0);
        boolean recorded =
            reported
                || sentMarker
                || (c != null
                    && (c.getFinishedSnapshots().contains(id)
                        || c.getOpenSnapshots().stream().anyMatch(o -> o.getSnapshotId() == id)));
        nodes.add(
            new NodeProgress(
                m,
                recorded,
                reported,
                c == null ? -1 : c.getWrittenAtMs(),
                c == null ? -1 : c.getEpoch()));
      }
      return Optional.of(
          new SnapshotProgress(
              id, stage, abortReason, requestedAt, epoch, members, nodes, channels));
    }
  }

  /** The latest {@code n} snapshot requests, oldest first. */
  public List<SnapshotRequest> recentRequests(int n) {
    List<SnapshotRequest> out = new ArrayList<>();
    try (LogWindow log = new LogWindow(bootstrap, overrides, timeout)) {
      TopicPartition tp = new TopicPartition(topics.snapshotRequests().name(), 0);
      if (log.partitions(tp.topic()) == 0) {
        return out;
      }
      log.scanFrom(
          tp,
          Math.max(0, log.end(tp) - n),
          r -> {
            try {
              out.add(topics.snapshotRequests().decode(r.value()));
            } catch (RecordDecodingException e) {
              // not a request: the nodes quarantine it
            }
          });
    }
    return out;
  }

  private SnapshotRequest request(LogWindow log, long id) {
    SnapshotRequest[] found = new SnapshotRequest[1];
    TopicPartition tp = new TopicPartition(topics.snapshotRequests().name(), 0);
    if (log.partitions(tp.topic()) == 0) {
      return null;
    }
    log.scanFrom(
        tp,
        0,
        r -> {
          try {
            SnapshotRequest q = topics.snapshotRequests().decode(r.value());
            if (q.getSnapshotId() == id && found[0] == null) {
              found[0] = q;
            }
          } catch (RecordDecodingException e) {
            // not a request: the nodes quarantine it
          }
        });
    return found[0];
  }

  private Map<Integer, LocalSnapshotReport> reports(LogWindow log, long id, long requestedAt) {
    Map<Integer, LocalSnapshotReport> out = new TreeMap<>();
    String topic = topics.snapshotReports().name();
    int partitions = log.partitions(topic);
    if (partitions == 0) {
      return out;
    }
    TopicPartition tp = new TopicPartition(topic, ReportPartitions.of(id, partitions));
    long from = requestedAt > 0 ? log.offsetAt(tp, requestedAt - SLACK_MS) : 0;
    log.scanFrom(
        tp,
        from,
        r -> {
          try {
            LocalSnapshotReport l = topics.snapshotReports().decode(r.value());
            if (l.getSnapshotId() == id) {
              out.putIfAbsent(l.getNodeId(), l);
            }
          } catch (RecordDecodingException e) {
            // not a report: the auditor quarantines it
          }
        });
    return out;
  }

  private Map<Integer, NodeCheckpoint> checkpoints(LogWindow log, List<Integer> members) {
    Map<Integer, NodeCheckpoint> out = new HashMap<>();
    int partitions = log.partitions(topics.nodeState().name());
    try (io.snapbank.schemas.kafka.PartitionScanner scanner =
        new io.snapbank.schemas.kafka.PartitionScanner(bootstrap, overrides)) {
      for (int m : members) {
        if (m < partitions) {
          scanner
              .lastValue(new TopicPartition(topics.nodeState().name(), m), timeout)
              .ifPresent(b -> out.put(m, topics.nodeState().decode(b)));
        }
      }
    }
    return out;
  }

  /** One progress per lane of every channel between {@code members}. */
  private List<ChannelProgress> channels(
      LogWindow log,
      BankTopics laned,
      long id,
      Stage stage,
      long requestedAt,
      List<Integer> members,
      Map<Integer, LocalSnapshotReport> reports,
      Map<Integer, NodeCheckpoint> checkpoints) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int from : members) {
      int count = log.partitions(laned.transfers(from).name());
      for (int to : members) {
        for (int lane = 0; lane < laned.lanes(); lane++) {
          int p = laned.channelPartition(to, lane);
          if (from != to && p < count) {
            partitions.add(new TopicPartition(laned.transfers(from).name(), p));
          }
        }
      }
    }
    Map<TopicPartition, LogWindow.Ends> ends = log.ends(partitions);
    List<ChannelProgress> out = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      int from = Integer.parseInt(tp.topic().substring(tp.topic().lastIndexOf('.') + 1));
      int to = laned.channelReceiver(tp.partition());
      int lane = laned.channelLane(tp.partition());
      LogWindow.Ends e = ends.get(tp);
      NodeCheckpoint c = checkpoints.get(to);
      long position =
          c == null ? -1 : c.getInNextOffset().getOrDefault(new Lane(from, lane).label(), -1L);
      long marker = -1;
      boolean closed = false;
      LocalSnapshotReport report = reports.get(to);
      if (report != null) {
        closed = true;
        marker =
            report.getChannels().stream()
                .filter(s -> s.getFromNode() == from && s.getLane() == lane)
                .mapToLong(ChannelState::getMarkerOffset)
                .findFirst()
                .orElse(-1);
      } else if (c != null) {
        for (OpenSnapshot o : c.getOpenSnapshots()) {
          if (o.getSnapshotId() == id) {
            for (ChannelRecording r : o.getChannels()) {
              if (r.getFromNode() == from && r.getLane() == lane && r.getClosed()) {
                closed = true;
                marker = r.getMarkerOffset();
              }
            }
          }
        }
      }
      if (marker < 0) {
        long start =
            stage == Stage.PENDING && position >= 0
                ? position
                : requestedAt > 0
                    ? log.offsetAt(tp, requestedAt - SLACK_MS)
                    : Math.max(0, position);
        marker =
            log.find(
                tp, start, e.lastStable(), MARKER_SCAN_LIMIT, r -> isMarker(r.value(), from, id));
      }
      out.add(
          new ChannelProgress(
              from, to, closed, position, marker, e.lastStable(), e.highWatermark()));
    }
    return out;
  }

  private boolean isMarker(byte[] value, int from, long id) {
    try {
      ChannelRecord r = topics.transfers(from).decode(value);
      return r.getBody() instanceof Marker m && m.getSnapshotId() == id;
    } catch (RecordDecodingException e) {
      return false;
    }
  }
}
