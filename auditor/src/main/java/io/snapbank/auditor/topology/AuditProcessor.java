package io.snapbank.auditor.topology;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.SnapshotAssembly;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Assembles node reports per snapshot id ({@link SnapshotAssembly}) and audits complete snapshots
 * ({@link AuditRules}). All state is in persistent stores, so a restarted auditor continues exactly
 * where its last commit left it: reports of pending snapshots under {@code <id>/<node>}, pending
 * snapshots with the wall-clock time they were first seen and their request time, finished ids with
 * the time they finished (so duplicate and late reports are ignored and counted), the genesis, and
 * counters.
 *
 * <p>A wall-clock punctuator aborts snapshots pending longer than the timeout (from when the
 * auditor first saw their request or first report), writes scheduled snapshot requests when
 * configured, and forgets finished ids after a day.
 *
 * <p>Records that cannot be used go to the quarantine topic, never dropped silently: undecodable
 * ones ({@code UNDECODABLE}), reports of nodes outside the bank ({@code UNKNOWN_NODE}), a genesis
 * that is invalid ({@code INVALID_GENESIS}) or differs from the one already known ({@code
 * GENESIS_CONFLICT}).
 */
final class AuditProcessor implements Processor<String, byte[], String, byte[]> {
  static final Duration FINISHED_RETENTION = Duration.ofDays(1);
  private static final long PURGE_EVERY_MS = 60_000;
  private static final String GENESIS_KEY = "genesis";

  private final AuditorConfig config;
  private final BankTopics topics;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> reports;
  private KeyValueStore<Long, String> pending;
  private KeyValueStore<Long, Long> finished;
  private KeyValueStore<String, byte[]> genesisStore;
  private KeyValueStore<String, Long> counters;
  private BankGenesis genesis;
  private long lastPurgeMs = Long.MIN_VALUE;

  AuditProcessor(AuditorConfig config, BankTopics topics) {
    this.config = config;
    this.topics = topics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    reports = context.getStateStore(AuditorTopology.REPORTS_STORE);
    pending = context.getStateStore(AuditorTopology.PENDING_STORE);
    finished = context.getStateStore(AuditorTopology.FINISHED_STORE);
    genesisStore = context.getStateStore(AuditorTopology.GENESIS_STORE);
    counters = context.getStateStore(AuditorTopology.COUNTERS_STORE);
    byte[] g = genesisStore.get(GENESIS_KEY);
    genesis = g == null ? null : topics.genesis().decode(g);
    context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    if (record.value() == null || record.value().length == 0) {
      quarantine(record, "UNDECODABLE", "EMPTY: the record has no value");
      return;
    }
    try {
      if (topic.equals(topics.snapshotReports().name())) {
        onReport(topics.snapshotReports().decode(record.value()), record);
      } else if (topic.equals(topics.snapshotRequests().name())) {
        onRequest(topics.snapshotRequests().decode(record.value()));
      } else if (topic.equals(topics.genesis().name())) {
        onGenesis(topics.genesis().decode(record.value()), record);
      }
    } catch (RecordDecodingException e) {
      quarantine(record, "UNDECODABLE", e.getMessage());
    }
  }

  private void onGenesis(BankGenesis g, Record<String, byte[]> record) {
    if (g.getNodes() < 1) {
      quarantine(
          record,
          "INVALID_GENESIS",
          "a bank needs at least one node, the genesis names " + g.getNodes());
      return;
    }
    if (genesis != null) {
      if (!genesis.equals(g)) {
        quarantine(
            record,
            "GENESIS_CONFLICT",
            "the bank's genesis is already known ("
                + genesis.getNodes()
                + " nodes, total "
                + genesis.getTotal()
                + "); this one names "
                + g.getNodes()
                + " nodes, total "
                + g.getTotal());
      }
      return;
    }
    genesis = g;
    genesisStore.put(GENESIS_KEY, record.value());
    admitHeldReports(now());
  }

  /**
   * Once N is known: quarantines reports of nodes outside the bank and completes full snapshots.
   */
  private void admitHeldReports(long nowMs) {
    int n = genesis.getNodes();
    List<Long> ids = new ArrayList<>();
    try (KeyValueIterator<Long, String> it = pending.all()) {
      while (it.hasNext()) {
        ids.add(it.next().key);
      }
    }
    for (long id : ids) {
      SnapshotAssembly held = assembly(id, SnapshotAssembly.UNKNOWN_SIZE);
      for (int node : held.outside(n)) {
        String key = key(id, node);
        byte[] raw = reports.get(key);
        reports.delete(key);
        quarantine(
            topics.snapshotReports().name(),
            -1,
            -1L,
            Long.toString(id),
            raw,
            "UNKNOWN_NODE",
            "report of node "
                + node
                + " for snapshot "
                + id
                + ", held until the genesis arrived; the bank has "
                + n
                + " nodes",
            nowMs);
        count("unknownNode");
      }
      if (held.resized(n).isComplete()) {
        complete(id, nowMs);
      }
    }
  }

  private void onRequest(SnapshotRequest r) {
    long id = r.getSnapshotId();
    if (finished.get(id) != null) {
      return;
    }
    long[] meta = meta(id);
    long first = meta == null ? now() : meta[0];
    long requested = r.getRequestedAtMs();
    if (meta != null && meta[1] > 0 && (requested <= 0 || meta[1] < requested)) {
      requested = meta[1];
    }
    pending.put(id, first + ":" + Math.max(0, requested));
  }

  private void onReport(LocalSnapshotReport r, Record<String, byte[]> record) {
    long id = r.getSnapshotId();
    int node = r.getNodeId();
    if (finished.get(id) != null) {
      count("late");
      return;
    }
    int n = genesis == null ? SnapshotAssembly.UNKNOWN_SIZE : genesis.getNodes();
    SnapshotAssembly.Step step = assembly(id, n).report(node);
    switch (step.result()) {
      case UNKNOWN_NODE -> {
        quarantine(
            record,
            "UNKNOWN_NODE",
            "report of node "
                + node
                + " for snapshot "
                + id
                + (genesis == null
                    ? ": a node id is never negative"
                    : "; the bank has nodes 0.." + (n - 1)));
        count("unknownNode");
      }
      case DUPLICATE -> count("duplicate");
      case LATE -> count("late");
      case ACCEPTED, COMPLETED -> {
        if (meta(id) == null) {
          pending.put(id, now() + ":0");
        }
        reports.put(key(id, node), record.value());
        if (step.next().isComplete()) {
          complete(id, now());
        }
      }
      default -> throw new IllegalStateException("unexpected " + step.result());
    }
  }

  private void punctuate(long nowMs) {
    List<Long> expired = new ArrayList<>();
    long timeout = config.snapshotTimeout().toMillis();
    try (KeyValueIterator<Long, String> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<Long, String> e = it.next();
        long first = Long.parseLong(e.value.substring(0, e.value.indexOf(':')));
        if (nowMs - first >= timeout) {
          expired.add(e.key);
        }
      }
    }
    for (long id : expired) {
      abort(id, nowMs);
    }
    scheduleRequest(nowMs);
    if (nowMs - lastPurgeMs >= PURGE_EVERY_MS) {
      purgeFinished(nowMs);
      lastPurgeMs = nowMs;
    }
  }

  private void complete(long id, long nowMs) {
    long[] meta = meta(id);
    AuditReport report =
        AuditRules.audit(id, reportsOf(id), genesis, meta == null ? 0 : meta[1], nowMs);
    emit(id, report, nowMs);
    count("completed");
  }

  private void abort(long id, long nowMs) {
    long[] meta = meta(id);
    int nodes = genesis == null ? 0 : genesis.getNodes();
    long total = genesis == null ? 0 : genesis.getTotal();
    AuditReport report =
        AuditRules.aborted(id, reportsOf(id), nodes, total, meta == null ? 0 : meta[1], nowMs);
    SnapshotAbort abort =
        new SnapshotAbort(
            id,
            "not complete within "
                + config.snapshotTimeout().toMillis()
                + " ms; missing nodes "
                + report.getMissingNodes(),
            nowMs);
    context.forward(
        new Record<>(Long.toString(id), topics.snapshotAborts().encode(abort), nowMs),
        AuditorTopology.ABORT_SINK);
    emit(id, report, nowMs);
    count("aborted");
  }

  private void emit(long id, AuditReport report, long nowMs) {
    context.forward(
        new Record<>(Long.toString(id), topics.auditReports().encode(report), nowMs),
        AuditorTopology.AUDIT_SINK);
    finished.put(id, nowMs);
    pending.delete(id);
    for (String k : reportKeys(id)) {
      reports.delete(k);
    }
  }

  private void scheduleRequest(long nowMs) {
    if (config.requestPeriod().isZero()) {
      return;
    }
    Long next = counters.get("nextRequestAtMs");
    if (next != null && nowMs < next) {
      return;
    }
    Long last = counters.get("lastRequestedId");
    long id = Math.max(nowMs, last == null ? 0 : last + 1);
    SnapshotRequest req = new SnapshotRequest(id, new ArrayList<>(), nowMs, config.applicationId());
    context.forward(
        new Record<>(Long.toString(id), topics.snapshotRequests().encode(req), nowMs),
        AuditorTopology.REQUEST_SINK);
    counters.put("lastRequestedId", id);
    counters.put("nextRequestAtMs", nowMs + config.requestPeriod().toMillis());
    count("requested");
  }

  private void purgeFinished(long nowMs) {
    List<Long> old = new ArrayList<>();
    try (KeyValueIterator<Long, Long> it = finished.all()) {
      while (it.hasNext()) {
        KeyValue<Long, Long> e = it.next();
        if (nowMs - e.value > FINISHED_RETENTION.toMillis()) {
          old.add(e.key);
        }
      }
    }
    old.forEach(finished::delete);
  }

  private void quarantine(Record<String, byte[]> record, String reason, String detail) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    quarantine(
        m == null ? "" : m.topic(),
        m == null ? -1 : m.partition(),
        m == null ? -1L : m.offset(),
        record.key(),
        record.value(),
        reason,
        detail,
        record.timestamp());
  }

  private void quarantine(
      String topic,
      int partition,
      long offset,
      String key,
      byte[] value,
      String reason,
      String detail,
      long timestamp) {
    QuarantineEnvelope env =
        new QuarantineEnvelope(
            reason,
            detail == null ? "" : detail,
            topic,
            partition,
            offset,
            key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
            value == null ? null : ByteBuffer.wrap(value),
            "auditor",
            now());
    context.forward(
        new Record<>(
            topic + "/" + partition + "/" + offset, topics.quarantine().encode(env), timestamp),
        AuditorTopology.QUARANTINE_SINK);
    count("quarantined");
  }

  private SnapshotAssembly assembly(long id, int nodes) {
    TreeSet<Integer> have = new TreeSet<>();
    for (String k : reportKeys(id)) {
      have.add(Integer.parseInt(k.substring(k.indexOf('/') + 1)));
    }
    return new SnapshotAssembly(id, nodes, SnapshotAssembly.Status.PENDING, have);
  }

  private List<String> reportKeys(long id) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        reports.prefixScan(id + "/", new StringSerializer())) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    return keys;
  }

  private List<LocalSnapshotReport> reportsOf(long id) {
    List<LocalSnapshotReport> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        reports.prefixScan(id + "/", new StringSerializer())) {
      while (it.hasNext()) {
        out.add(topics.snapshotReports().decode(it.next().value));
      }
    }
    return out;
  }

  /** [firstSeenMs, requestedAtMs] of a pending snapshot, or null. */
  private long[] meta(long id) {
    String v = pending.get(id);
    if (v == null) {
      return null;
    }
    int c = v.indexOf(':');
    return new long[] {Long.parseLong(v.substring(0, c)), Long.parseLong(v.substring(c + 1))};
  }

  private static String key(long id, int node) {
    return id + "/" + node;
  }

  private void count(String name) {
    Long v = counters.get(name);
    counters.put(name, v == null ? 1 : v + 1);
  }

  private long now() {
    return context.currentSystemTimeMs();
  }
}
