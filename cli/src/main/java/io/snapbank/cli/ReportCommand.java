package io.snapbank.cli;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Show the audit report of snapshot ID (default: the latest), or list recent ones.")
final class ReportCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(arity = "0..1", paramLabel = "ID", description = "Snapshot id.")
  Long id;

  @Option(names = "--list", description = "List the latest reports, one line each.")
  boolean list;

  @Override
  public Integer call() {
    Map<Long, AuditReport> all;
    try (KafkaSchemaStore store = kafka.schemaStore()) {
      all =
          AuditReports.readAll(
              kafka.bootstrap,
              kafka.clientConfig(),
              BankTopics.of(kafka.prefix).resolvingWith(store),
              Duration.ofSeconds(30));
    }
    if (all.isEmpty()) {
      System.err.println("error: no audit reports yet in bank '" + kafka.prefix + "'");
      return 1;
    }
    List<AuditReport> reports = new ArrayList<>(all.values());
    if (list) {
      for (AuditReport r : reports.subList(Math.max(0, reports.size() - 20), reports.size())) {
        System.out.println(ReportFormat.line(r));
      }
      return 0;
    }
    AuditReport r = id == null ? reports.get(reports.size() - 1) : all.get(id);
    if (r == null) {
      System.err.println("error: no audit report for snapshot " + id);
      return 1;
    }
    System.out.print(ReportFormat.full(r));
    return 0;
  }
}
