package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditorRestartTest {

  private static Process startAuditor(String bootstrap, Path state, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.snapbank.auditor.app.AuditorMain",
            bootstrap,
            "restart",
            state.toString(),
            "20000")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  @Test
  void
      when_the_auditor_is_killed_and_restarted_then_no_pending_snapshot_is_lost_and_no_report_is_duplicated(
          @TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("auditor.log");
    Path state = tmp.resolve("state");
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "restart", 3, 4, 10_000)) {
      for (int i = 0; i < 3; i++) {
        bank.start(bank.config(i, 200));
      }
      Process auditor = startAuditor(bank.bootstrap, state, log);
      for (long id = 1; id <= 4; id++) {
        bank.request(id, List.of());
      }
      bank.readUntil(bank.topics.auditReports(), 1, v -> v.size() >= 4, Duration.ofSeconds(90));
      // snapshots requested around the kill: their reports arrive while the auditor is down
      for (long id = 5; id <= 8; id++) {
        bank.request(id, List.of());
        if (id == 6) {
          auditor.destroyForcibly(); // SIGKILL
          assertTrue(auditor.waitFor(30, TimeUnit.SECONDS));
        }
      }
      bank.reports(8 * 3, Duration.ofSeconds(60));
      auditor = startAuditor(bank.bootstrap, state, log);
      List<ConsumerRecord<byte[], AuditReport>> all =
          bank.readUntil(
              bank.topics.auditReports(), 1, v -> v.size() >= 8, Duration.ofSeconds(120));
      // give a duplicate the chance to show up
      Thread.sleep(3000);
      all = bank.readUntil(bank.topics.auditReports(), 1, v -> false, Duration.ofSeconds(2));
      auditor.destroy();
      auditor.waitFor(30, TimeUnit.SECONDS);

      Map<Long, Integer> count = new TreeMap<>();
      for (ConsumerRecord<byte[], AuditReport> r : all) {
        count.merge(r.value().getSnapshotId(), 1, Integer::sum);
        assertEquals(
            AuditStatus.CONSISTENT,
            r.value().getStatus(),
            r.value().getProblems() + " log: " + Files.readString(log));
      }
      assertEquals(8, count.size(), "every snapshot reported: " + count);
      for (Map.Entry<Long, Integer> e : count.entrySet()) {
        assertEquals(1, e.getValue(), "snapshot " + e.getKey() + " reported once");
      }
    }
  }
}
