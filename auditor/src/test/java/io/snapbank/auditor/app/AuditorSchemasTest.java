package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.avro.DeepAuditRecord;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auditor registers its writer schemas before it writes, and does not start if refused. */
class AuditorSchemasTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void when_the_schema_store_refuses_the_auditor_s_schemas_then_it_does_not_start_and_says_why(
      @TempDir Path tmp) throws Exception {
    String prefix = "auditor-refused";
    BankTopics topics = BankTopics.of(prefix);
    // another release of the auditor already wrote deep-audit results keyed by a string id
    String json = DeepAuditRecord.getClassSchema().toString();
    Schema other =
        new Schema.Parser()
            .parse(
                json.replace(
                    "{\"name\":\"snapshotId\",\"type\":\"long\"}",
                    "{\"name\":\"snapshotId\",\"type\":\"string\"}"));
    SchemaRegistry registry = new SchemaRegistry(SharedBroker.bootstrap(), Map.of(), topics);
    registry.register(List.of(other), "another auditor");

    AuditorApp app = new AuditorApp(AuditorConfig.of(SharedBroker.bootstrap(), prefix, tmp));
    try {
      app.start();
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (app.failure().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      String why = app.failure().orElseThrow();
      assertEquals(1, why.lines().count(), why);
      assertTrue(
          why.startsWith(
              "the auditor cannot start: schema store auditor-refused.schemas refuses INCOMPATIBLE"
                  + " io.snapbank.auditor.avro.DeepAuditRecord"),
          why);
      assertFalse(app.isRunning());
      assertEquals(1, registry.list().schemas().size(), "none of the auditor's were registered");
    } finally {
      app.close();
    }
  }

  @Test
  void when_the_auditor_starts_then_its_own_records_are_registered(@TempDir Path tmp)
      throws Exception {
    String prefix = "auditor-registers";
    BankSetup.init(SharedBroker.bootstrap(), BankTopics.of(prefix), BankSetup.genesis(2, 1, 10, 0));
    AuditorApp app = new AuditorApp(AuditorConfig.of(SharedBroker.bootstrap(), prefix, tmp));
    try {
      app.start();
      assertTrue(app.awaitRunning(WAIT), () -> "not running: " + app.failure());
      List<String> subjects =
          new SchemaRegistry(SharedBroker.bootstrap(), Map.of(), BankTopics.of(prefix))
              .list().schemas().stream().map(r -> r.subject()).toList();
      assertTrue(
          subjects.contains("io.snapbank.auditor.avro.DeepAuditRecord"), subjects.toString());
      assertTrue(subjects.contains("io.snapbank.schemas.AuditReport"), subjects.toString());
      assertTrue(
          subjects.contains("io.snapbank.auditor.avro.PendingSnapshotMeta"), subjects.toString());
    } finally {
      app.close();
    }
  }
}
