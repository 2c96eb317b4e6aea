package io.snapbank.cli;

import io.snapbank.node.kafka.BankReader;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.registry.KafkaSchemaStore;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description =
        "Request a global snapshot through the requests topic; with --wait, print its audit report.")
final class SnapshotCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--id", description = "Snapshot id (default: the current time in milliseconds).")
  Long id;

  @Option(names = "--initiators", split = ",", description = "Nodes that initiate (default: all).")
  List<Integer> initiators = new ArrayList<>();

  @Option(names = "--wait", description = "Wait for the audit report and print it.")
  boolean await;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      description = "Seconds to wait for the report (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    BankTopics topics = BankTopics.of(kafka.prefix);
    long snapshotId = id != null ? id : System.currentTimeMillis();
    request(kafka.bootstrap, kafka.clientConfig(), topics, snapshotId, initiators, "cli");
    System.out.println("requested snapshot " + snapshotId);
    if (!await) {
      return 0;
    }
    Optional<AuditReport> r;
    try (KafkaSchemaStore store = kafka.schemaStore()) {
      r =
          AuditReports.await(
              kafka.bootstrap,
              kafka.clientConfig(),
              topics.resolvingWith(store),
              snapshotId,
              Duration.ofSeconds(timeoutSeconds));
    }
    if (r.isEmpty()) {
      System.err.println(
          "error: no audit report for snapshot "
              + snapshotId
              + " within "
              + timeoutSeconds
              + " s (is the auditor running?)");
      return 1;
    }
    System.out.print(ReportFormat.full(r.get()));
    return r.get().getStatus().name().equals("VIOLATION") ? 3 : 0;
  }

  static void request(
      String bootstrap,
      Map<String, String> client,
      BankTopics topics,
      long snapshotId,
      List<Integer> initiators,
      String by)
      throws Exception {
    new SchemaRegistry(bootstrap, client, topics).registerWriters(by, List.of());
    long epoch = currentEpoch(bootstrap, client, topics);
    Map<String, String> settings = new HashMap<>(client);
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, settings)) {
      SnapshotRequest req =
          new SnapshotRequest(snapshotId, initiators, System.currentTimeMillis(), by, epoch, -1L);
      p.send(
              new ProducerRecord<>(
                  topics.snapshotRequests().name(),
                  0,
                  Long.toString(snapshotId).getBytes(StandardCharsets.UTF_8),
                  topics
                      .snapshotRequests()
                      .valueSerde()
                      .serializer()
                      .serialize(topics.snapshotRequests().name(), req)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The bank's latest epoch: nodes take the snapshot in it (a node still behind waits). */
  private static long currentEpoch(
      String bootstrap, Map<String, String> client, BankTopics topics) {
    try (BankReader reader = new BankReader(bootstrap, client, topics)) {
      return reader.epochs(reader.requireGenesis()).current();
    }
  }
}
