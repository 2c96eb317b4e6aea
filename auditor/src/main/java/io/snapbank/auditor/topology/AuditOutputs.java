package io.snapbank.auditor.topology;

import io.snapbank.auditor.core.Effect;
import io.snapbank.auditor.core.QuarantineReason;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Carries out the lifecycle's {@link Effect}s as records on the topology's sinks, each keyed by the
 * snapshot id as a decimal string: reports to audit-reports, aborts to snapshot-aborts, requests
 * (scheduled ones and retries, with ids from {@link AuditorRequests}) to snapshot-requests;
 * quarantined records go to the quarantine topic keyed {@code <topic>/<partition>/<offset>} with
 * their original key and value (a held report, whose position is no longer known, with partition
 * and offset -1). Every effect is also counted ({@link AuditCounters}).
 */
final class AuditOutputs {
  private static final String DETECTED_BY = "auditor";

  private final ProcessorContext<String, byte[]> context;
  private final BankTopics topics;
  private final AuditCounters counters;
  private final AuditorRequests requests;
  private final boolean allocates;
  private final String inputs;

  /**
   * @param allocates whether this task allocates request ids (task 0); the others hand their
   *     retries to it
   */
  AuditOutputs(
      ProcessorContext<String, byte[]> context,
      BankTopics topics,
      AuditCounters counters,
      AuditorRequests requests,
      boolean allocates) {
    this.context = context;
    this.topics = topics;
    this.counters = counters;
    this.requests = requests;
    this.allocates = allocates;
    this.inputs = new AuditorTopics(topics).inputs();
  }

  /**
   * Carries out {@code effects}, in order; {@code input} is the record being processed (null in a
   * punctuation, where no effect may reject it).
   */
  void carryOut(List<Effect> effects, Record<String, byte[]> input) {
    for (Effect e : effects) {
      carryOut(e, input);
      counters.count(e);
    }
  }

  private void carryOut(Effect e, Record<String, byte[]> input) {
    long now = context.currentSystemTimeMs();
    if (e instanceof Effect.Publish p) {
      long id = p.report().getSnapshotId();
      forward(AuditorTopology.AUDIT_SINK, id, topics.auditReports().encode(p.report()), now);
    } else if (e instanceof Effect.Abort a) {
      long id = a.abort().getSnapshotId();
      forward(AuditorTopology.ABORT_SINK, id, topics.snapshotAborts().encode(a.abort()), now);
    } else if (e instanceof Effect.Retry r) {
      if (allocates) {
        retry(r);
      } else {
        handOver(r, now);
      }
    } else if (e instanceof Effect.RejectInput r) {
      if (input == null) {
        throw new IllegalStateException("no input record to quarantine: " + r);
      }
      quarantineInput(input, r.reason(), r.detail());
    } else if (e instanceof Effect.RejectHeld h) {
      quarantine(
          topics.snapshotReports().name(),
          -1,
          -1L,
          Long.toString(h.report().getSnapshotId()),
          topics.snapshotReports().encode(h.report()),
          h.reason(),
          h.detail(),
          now);
    }
  }

  /** Quarantines the record being processed, with its position, and counts it. */
  void rejectInput(Record<String, byte[]> input, QuarantineReason reason, String detail) {
    quarantineInput(input, reason, detail);
    counters.quarantined(reason);
  }

  /** Writes the request carrying out {@code retry}, its id allocated here (task 0 only). */
  void retry(Effect.Retry retry) {
    write(requests.retry(retry, context.currentSystemTimeMs()));
  }

  /**
   * Hands {@code retry} to task 0, which allocates its id: a {@code SnapshotRequest} naming the
   * aborted snapshot, on partition 0 of audit-inputs.
   */
  private void handOver(Effect.Retry retry, long now) {
    SnapshotRequest wish =
        SnapshotRequest.newBuilder()
            .setSnapshotId(retry.retryOf())
            .setInitiators(new java.util.ArrayList<>(retry.initiators()))
            .setRequestedAtMs(now)
            .setEpoch(retry.epoch())
            .setRetryOf(retry.retryOf())
            .build();
    String key = Long.toString(retry.retryOf());
    Origin origin = new Origin(Origin.RETRY, -1, -1L, key);
    context.forward(
        origin.stamp(new Record<>(key, topics.snapshotRequests().encode(wish), now), key),
        AuditorTopology.RETRY_SINK);
  }

  /** Writes a scheduled snapshot request and counts it. */
  void request(SnapshotRequest r) {
    write(r);
    counters.requested();
  }

  private void write(SnapshotRequest r) {
    forward(
        AuditorTopology.REQUEST_SINK,
        r.getSnapshotId(),
        topics.snapshotRequests().encode(r),
        r.getRequestedAtMs());
  }

  private void quarantineInput(
      Record<String, byte[]> input, QuarantineReason reason, String detail) {
    Origin m = Origin.of(context.recordMetadata(), input, inputs);
    quarantine(
        m.topic(),
        m.partition(),
        m.offset(),
        m.key(),
        input.value(),
        reason,
        detail,
        input.timestamp());
  }

  private void quarantine(
      String topic,
      int partition,
      long offset,
      String key,
      byte[] value,
      QuarantineReason reason,
      String detail,
      long timestamp) {
    QuarantineEnvelope env =
        new QuarantineEnvelope(
            reason.name(),
            detail == null ? "" : detail,
            topic,
            partition,
            offset,
            key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
            value == null ? null : ByteBuffer.wrap(value),
            DETECTED_BY,
            context.currentSystemTimeMs());
    context.forward(
        new Record<>(
            topic + "/" + partition + "/" + offset, topics.quarantine().encode(env), timestamp),
        AuditorTopology.QUARANTINE_SINK);
  }

  private void forward(String sink, long snapshotId, byte[] value, long timestamp) {
    context.forward(new Record<>(Long.toString(snapshotId), value, timestamp), sink);
  }
}
