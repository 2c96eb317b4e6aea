package io.snapbank.cli;

import io.snapbank.auditor.app.SnapshotInquiry;
import io.snapbank.auditor.core.Diagnosis;
import io.snapbank.auditor.core.SnapshotProgress;
import io.snapbank.auditor.core.WhyDiagnosis;
import io.snapbank.auditor.store.InquiryJson;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.topic.BankTopics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "why",
    mixinStandardHelpOptions = true,
    description =
        "Explain where snapshot ID stands: which members recorded and reported, which channels are"
            + " still open at which receiver and how far it is from the marker, whether an open"
            + " transaction holds a channel back, and the most likely cause.")
final class WhyCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "ID", description = "Snapshot id.")
  long id;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    Optional<SnapshotProgress> progress;
    try (KafkaSchemaStore store = kafka.schemaStore()) {
      progress =
          new SnapshotInquiry(
                  kafka.bootstrap,
                  kafka.clientConfig(),
                  BankTopics.of(kafka.prefix).resolvingWith(store),
                  Duration.ofSeconds(30))
              .progress(id);
    }
    if (progress.isEmpty()) {
      System.err.println(
          "error: bank '"
              + kafka.prefix
              + "' has no snapshot "
              + id
              + " (no request, report or verdict names it; --prefix selects the bank)");
      return 1;
    }
    long now = System.currentTimeMillis();
    Diagnosis d = WhyDiagnosis.diagnose(progress.get(), now);
    System.out.print(
        json
            ? InquiryJson.why(progress.get(), d) + "\n"
            : InquiryFormat.why(progress.get(), d, now));
    return 0;
  }
}
