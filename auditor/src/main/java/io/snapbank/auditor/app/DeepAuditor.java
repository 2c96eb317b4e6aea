package io.snapbank.auditor.app;

import io.snapbank.auditor.core.ViolationReason;
import io.snapbank.node.kafka.ChannelRangeReader;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.DeepAudit;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-reads every recorded channel range of a snapshot from the channel partitions
 * (read_committed), lists the in-flight transfers, and checks that they add up to the reported
 * counts and sums. A mismatch turns the report into a VIOLATION with a DEEP_AUDIT_MISMATCH problem.
 */
public final class DeepAuditor {
  private final String bootstrap;
  private final BankTopics topics;

  public DeepAuditor(String bootstrap, BankTopics topics) {
    this.bootstrap = bootstrap;
    this.topics = topics;
  }

  /** The report with its deep audit filled in; ABORTED reports are returned unchanged. */
  public AuditReport audit(AuditReport report) {
    if (report.getStatus() == AuditStatus.ABORTED) {
      return report;
    }
    List<InFlightTransfer> transfers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (ChannelRangeReader reader = new ChannelRangeReader(bootstrap, topics)) {
      for (ChannelState c : report.getChannels()) {
        List<ChannelRangeReader.InFlight> listed =
            reader.read(c.getFromNode(), c.getToNode(), c.getFirstOffset(), c.getMarkerOffset(), Duration.ofSeconds(30));
        long sum = 0;
        for (ChannelRangeReader.InFlight t : listed) {
          transfers.add(new InFlightTransfer(t.from(), t.to(), t.offset(), t.transferId(), t.amount()));
          sum += t.amount();
        }
        if (listed.size() != c.getCount() || sum != c.getSum()) {
          problems.add(ViolationReason.DEEP_AUDIT_MISMATCH + ": channel " + c.getFromNode() + "->" + c.getToNode()
              + " reports " + c.getCount() + " transfers summing " + c.getSum() + ", the log holds " + listed.size()
              + " summing " + sum + " in [" + c.getFirstOffset() + ", " + c.getMarkerOffset() + ")");
        }
      }
    }
    AuditReport out = AuditReport.newBuilder(report).build();
    out.setDeepAudit(new DeepAudit(problems.isEmpty(), transfers, problems));
    if (!problems.isEmpty()) {
      List<String> all = new ArrayList<>(report.getProblems());
      all.addAll(problems);
      out.setProblems(all);
      out.setStatus(AuditStatus.VIOLATION);
    }
    return out;
  }
}
