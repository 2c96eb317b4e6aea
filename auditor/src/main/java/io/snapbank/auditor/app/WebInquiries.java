package io.snapbank.auditor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.snapbank.auditor.core.CutDiff;
import io.snapbank.auditor.core.Diagnosis;
import io.snapbank.auditor.core.SnapshotProgress;
import io.snapbank.auditor.core.WhyDiagnosis;
import io.snapbank.auditor.store.InquiryJson;
import io.snapbank.auditor.web.InquiryAnswer;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.apache.kafka.common.KafkaException;

/**
 * Answers the web API's {@code why} and {@code diff} questions from the bank's topics ({@link
 * SnapshotInquiry}, {@link CutFlows}); the diff takes its two reports from {@code reports} (the
 * page's). Thread-safe.
 */
public final class WebInquiries {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final SnapshotInquiry inquiry;
  private final CutFlows flows;
  private final LongFunction<Optional<AuditReport>> reports;
  private final String prefix;

  public WebInquiries(
      String bootstrap,
      Map<String, String> overrides,
      BankTopics topics,
      Duration timeout,
      LongFunction<Optional<AuditReport>> reports) {
    this.inquiry = new SnapshotInquiry(bootstrap, overrides, topics, timeout);
    this.flows = new CutFlows(bootstrap, overrides, topics, timeout);
    this.reports = reports;
    this.prefix = topics.prefix();
  }

  /** Where snapshot {@code id} stands and why. */
  public InquiryAnswer why(long id) {
    try {
      Optional<SnapshotProgress> p = inquiry.progress(id);
      if (p.isEmpty()) {
        return InquiryAnswer.notFound("bank '" + prefix + "' has no snapshot " + id);
      }
      Diagnosis d = WhyDiagnosis.diagnose(p.get(), System.currentTimeMillis());
      return InquiryAnswer.ok(InquiryJson.why(p.get(), d));
    } catch (KafkaException | IllegalStateException e) {
      return InquiryAnswer.unavailable("cannot read the bank's topics: " + e.getMessage());
    }
  }

  /**
   * The snapshots requested in the last {@code window} of the latest 50 requests that have no
   * verdict yet, as a JSON array of {@code snapshotId}, {@code requestedAtMs}, {@code epoch}.
   */
  public InquiryAnswer pending(Duration window) {
    try {
      long since = System.currentTimeMillis() - window.toMillis();
      ArrayNode out = MAPPER.createArrayNode();
      for (SnapshotRequest r : inquiry.recentRequests(50)) {
        if (r.getRequestedAtMs() >= since && reports.apply(r.getSnapshotId()).isEmpty()) {
          ObjectNode o = out.addObject();
          o.put("snapshotId", r.getSnapshotId());
          o.put("requestedAtMs", r.getRequestedAtMs());
          o.put("epoch", r.getEpoch());
        }
      }
      return InquiryAnswer.ok(out.toString());
    } catch (KafkaException e) {
      return InquiryAnswer.unavailable("cannot read the bank's requests: " + e.getMessage());
    }
  }

  /** Cuts {@code a} and {@code b} side by side. */
  public InquiryAnswer diff(long a, long b) {
    Optional<AuditReport> ra = reports.apply(a);
    Optional<AuditReport> rb = reports.apply(b);
    if (ra.isEmpty() || rb.isEmpty()) {
      return InquiryAnswer.notFound(
          "bank '" + prefix + "' has no audit report of snapshot " + (ra.isEmpty() ? a : b));
    }
    Optional<String> refused = CutDiff.refusal(ra.get(), rb.get());
    if (refused.isPresent()) {
      return InquiryAnswer.badRequest(refused.get());
    }
    try {
      return InquiryAnswer.ok(
          InquiryJson.diff(CutDiff.of(ra.get(), rb.get(), flows.between(ra.get(), rb.get()))));
    } catch (ChannelRangeReader.RangeUnreadableException
        | KafkaException
        | IllegalStateException e) {
      return InquiryAnswer.unavailable("cannot read the channel logs: " + e.getMessage());
    }
  }
}
