package io.snapbank.cli;

import io.snapbank.auditor.app.CutFlows;
import io.snapbank.auditor.core.ChannelFlow;
import io.snapbank.auditor.core.CutDiff;
import io.snapbank.auditor.store.InquiryJson;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Compare two consistent snapshots A (earlier) and B: each account's and node's change, the"
            + " money moved between each pair of nodes (read from the channel logs between the"
            + " markers), the money in flight at each cut, and whether it all adds up (exit 1 if"
            + " not).")
final class DiffCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "A", description = "The earlier snapshot's id.")
  long a;

  @Parameters(index = "1", paramLabel = "B", description = "The later snapshot's id.")
  long b;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    CutDiff d;
    try (KafkaSchemaStore store = kafka.schemaStore()) {
      BankTopics topics = BankTopics.of(kafka.prefix).resolvingWith(store);
      Map<Long, AuditReport> all =
          AuditReports.readAll(
              kafka.bootstrap, kafka.clientConfig(), topics, Duration.ofSeconds(30));
      Optional<String> unknown = unknown(all, a).or(() -> unknown(all, b));
      if (unknown.isPresent()) {
        System.err.println("error: " + unknown.get());
        return 1;
      }
      AuditReport ra = all.get(a);
      AuditReport rb = all.get(b);
      Optional<String> refused = CutDiff.refusal(ra, rb);
      if (refused.isPresent()) {
        System.err.println("error: " + refused.get());
        return 1;
      }
      List<ChannelFlow> flows =
          new CutFlows(kafka.bootstrap, kafka.clientConfig(), topics, Duration.ofSeconds(30))
              .between(ra, rb);
      d = CutDiff.of(ra, rb, flows);
    }
    System.out.print(json ? InquiryJson.diff(d) + "\n" : InquiryFormat.diff(d));
    return d.addsUp() ? 0 : 1;
  }

  private Optional<String> unknown(Map<Long, AuditReport> all, long id) {
    return all.containsKey(id)
        ? Optional.empty()
        : Optional.of(
            "bank '"
                + kafka.prefix
                + "' has no audit report of snapshot "
                + id
                + " (--prefix selects the bank; 'snapbank report --list' lists its snapshots)");
  }
}
