package io.snapbank.auditor.topology;

import io.snapbank.auditor.app.AuditorConfig;
import io.snapbank.auditor.core.Acceptance;
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
 * Assembles node reports per snapshot id and audits complete snapshots. All state is in
 * persistent stores, so a restarted auditor continues exactly where its last commit left it:
 * reports of pending snapshots are kept under {@code <id>/<node>}, pending snapshots with the time
 * they were first seen and requested, and finished ids with the time they finished (so duplicate
 * and late reports are ignored and counted). A wall-clock punctuator aborts snapshots pending
 * longer than the timeout and, if configured, writes scheduled snapshot requests.
 */
final class AuditProcessor implements Processor<String, byte[], String, byte[]> {
  private static final Duration FINISHED_RETENTION = Duration.ofDays(1);
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
      quarantine(record, "EMPTY", "no value");
      return;
    }
    try {
      if (topic.equals(topics.snapshotReports().name())) {
        onReport(topics.snapshotReports().decode(record.value()), record.value());
      } else if (topic.equals(topics.snapshotRequests().name())) {
        onRequest(topics.snapshotRequests().decode(record.value()));
      } else if (topic.equals(topics.genesis().name())) {
        onGenesis(topics.genesis().decode(record.value()), record.value());
      }
    } catch (RecordDecodingException e) {
      quarantine(record, e.failure().name(), e.getMessage());
    }
  }

  private void onGenesis(BankGenesis g, byte[] raw) {
    if (genesis == null) { // the first genesis stands
      genesis = g;
      genesisStore.put(GENESIS_KEY, raw);
      completeReady(now());
    }
  }

  private void onRequest(SnapshotRequest r) {
    long id = r.getSnapshotId();
    if (finished.get(id) != null) {
      return;
    }
    long[] meta = meta(id);
    long first = meta == null ? now() : meta[0];
    long requested = meta == null || meta[1] == 0 ? r.getRequestedAtMs() : Math.min(meta[1], r.getRequestedAtMs());
    pending.put(id, first + ":" + requested);
  }

  private void onReport(LocalSnapshotReport r, byte[] raw) {
    long id = r.getSnapshotId();
    if (finished.get(id) != null) {
      count("late");
      return;
    }
    SnapshotAssembly a = assembly(id);
    Acceptance acc = a.offer(r.getNodeId());
    if (genesis != null && acc == Acceptance.UNKNOWN_NODE) {
      count("unknownNode");
      return;
    }
    if (acc == Acceptance.DUPLICATE) {
      count("duplicate");
      return;
    }
    if (meta(id) == null) {
      pending.put(id, now() + ":0");
    }
    reports.put(key(id, r.getNodeId()), raw);
    if (acc == Acceptance.COMPLETED) {
      complete(id, now());
    }
  }

  private void punctuate(long nowMs) {
    completeReady(nowMs);
    List<Long> expired = new ArrayList<>();
    try (KeyValueIterator<Long, String> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<Long, String> e = it.next();
        long first = Long.parseLong(e.value.substring(0, e.value.indexOf(':')));
        if (nowMs - first >= config.snapshotTimeout().toMillis()) {
          expired.add(e.key);
        }
      }
    }
    for (long id : expired) {
      abort(id, nowMs);
    }
    scheduleRequest(nowMs);
    purgeFinished(nowMs);
  }

  /** Completes every pending snapshot that has all its reports (e.g. once the genesis arrives). */
  private void completeReady(long nowMs) {
    if (genesis == null) {
      return;
    }
    List<Long> ready = new ArrayList<>();
    try (KeyValueIterator<Long, String> it = pending.all()) {
      while (it.hasNext()) {
        long id = it.next().key;
        if (assembly(id).reported().size() >= genesis.getNodes()) {
          ready.add(id);
        }
      }
    }
    for (long id : ready) {
      complete(id, nowMs);
    }
  }

  private void complete(long id, long nowMs) {
    if (genesis == null) {
      return; // completed once the genesis is known
    }
    List<LocalSnapshotReport> list = reportsOf(id);
    long[] meta = meta(id);
    AuditReport report = AuditRules.audit(id, list, genesis.getNodes(), genesis.getTotal(), meta == null ? 0 : meta[1], nowMs);
    emit(id, report, nowMs);
  }

  private void abort(long id, long nowMs) {
    List<LocalSnapshotReport> list = reportsOf(id);
    long[] meta = meta(id);
    int nodes = genesis == null ? 0 : genesis.getNodes();
    long total = genesis == null ? 0 : genesis.getTotal();
    AuditReport report = AuditRules.aborted(id, list, nodes, total, meta == null ? 0 : meta[1], nowMs);
    SnapshotAbort abort = new SnapshotAbort(id, "not complete within " + config.snapshotTimeout().toMillis()
        + " ms; missing nodes " + report.getMissingNodes(), nowMs);
    context.forward(new Record<>(Long.toString(id), topics.snapshotAborts().encode(abort), nowMs),
        AuditorTopology.ABORT_SINK);
    emit(id, report, nowMs);
  }

  private void emit(long id, AuditReport report, long nowMs) {
    context.forward(new Record<>(Long.toString(id), topics.auditReports().encode(report), nowMs),
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
    SnapshotRequest req = new SnapshotRequest(id, List.of(), nowMs, config.applicationId());
    context.forward(new Record<>(Long.toString(id), topics.snapshotRequests().encode(req), nowMs),
        AuditorTopology.REQUEST_SINK);
    counters.put("lastRequestedId", id);
    counters.put("nextRequestAtMs", nowMs + config.requestPeriod().toMillis());
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
    String topic = m == null ? "" : m.topic();
    int partition = m == null ? -1 : m.partition();
    long offset = m == null ? -1 : m.offset();
    QuarantineEnvelope env = new QuarantineEnvelope(reason, detail, topic, partition, offset,
        record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        record.value() == null ? null : ByteBuffer.wrap(record.value()), "auditor", now());
    context.forward(new Record<>(topic + "/" + partition + "/" + offset, topics.quarantine().encode(env),
        record.timestamp()), AuditorTopology.QUARANTINE_SINK);
    count("quarantined");
  }

  private SnapshotAssembly assembly(long id) {
    int nodes = genesis == null ? Integer.MAX_VALUE : genesis.getNodes();
    TreeSet<Integer> have = new TreeSet<>();
    for (String k : reportKeys(id)) {
      have.add(Integer.parseInt(k.substring(k.indexOf('/') + 1)));
    }
    return new SnapshotAssembly(id, nodes, SnapshotAssembly.Status.PENDING, have);
  }

  private List<String> reportKeys(long id) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = reports.prefixScan(id + "/", new StringSerializer())) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    return keys;
  }

  private List<LocalSnapshotReport> reportsOf(long id) {
    List<LocalSnapshotReport> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = reports.prefixScan(id + "/", new StringSerializer())) {
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
