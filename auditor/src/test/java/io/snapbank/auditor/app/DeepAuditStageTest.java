package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.config.DeepAuditSettings;
import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.auditor.web.DeepAuditAnswer;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deep-audit stage on a live bank: on-demand deep audits through the web API go through the
 * worker and the deep-audits topic, and come back merged by the topology.
 */
class DeepAuditStageTest {
  private final Map<Long, AuditReport> reports = new ConcurrentHashMap<>();

  private AuditReport await(long id, Predicate<AuditReport> ok) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      AuditReport r = reports.get(id);
      if (r != null && ok.test(r)) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching report of snapshot " + id + ": " + reports.get(id));
  }

  /** A POST with the auditor's API token, as an operator sends it. */
  private static HttpResponse<String> post(AuditorApp auditor, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + auditor.httpPort() + path))
                .header("Authorization", "Bearer " + auditor.httpToken().orElseThrow().value())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void when_a_deep_audit_is_posted_then_the_topology_merges_the_workers_result_and_it_is_answered(
      @TempDir Path tmp) throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "stage", 2, 4, 10_000)) {
      bank.start(bank.config(0, 200));
      bank.start(bank.config(1, 200));
      AuditorConfig config =
          AuditorConfig.of(bank.bootstrap, "stage", tmp.resolve("state"))
              .withTimeout(Duration.ofSeconds(5))
              .withPunctuateInterval(Duration.ofMillis(250))
              .withHttpPort(0);
      try (AuditorApp auditor = new AuditorApp(config)) {
        auditor.onReport(r -> reports.put(r.getSnapshotId(), r));
        auditor.start();
        assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor running");
        AuditorTopics own = AuditorTopics.of("stage");
        try (Admin admin = BankSetup.admin(bank.bootstrap)) {
          TopicDescription d =
              admin
                  .describeTopics(List.of(own.deepAudits().name()))
                  .allTopicNames()
                  .get()
                  .get(own.deepAudits().name());
          assertEquals(1, d.partitions().size(), "the stage's topic was created at start-up");
        }

        bank.request(1, List.of());
        AuditReport plain = await(1, r -> true);
        assertEquals(AuditStatus.CONSISTENT, plain.getStatus(), plain.getProblems().toString());
        assertNull(plain.getDeepAudit(), "no sampled deep audits");

        HttpResponse<String> answer = post(auditor, "/api/reports/1/deep-audit");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode json = new ObjectMapper().readTree(answer.body());
        assertEquals(1, json.get("snapshotId").asLong());
        assertTrue(json.get("deepAudit").get("verified").asBoolean(), answer.body());
        AuditReport deep = await(1, r -> r.getDeepAudit() != null);
        assertTrue(deep.getDeepAudit().getVerified());
        assertEquals(1L, auditor.counters().get("deepAudited"), "merged by the topology");

        // the worker wrote its result to the stage's topic, not to audit-reports
        List<ConsumerRecord<byte[], DeepAuditResult>> results =
            bank.readUntil(own.deepAudits(), 1, v -> !v.isEmpty(), Duration.ofSeconds(30));
        assertEquals(1, results.get(0).value().snapshotId());

        assertEquals(404, post(auditor, "/api/reports/99/deep-audit").statusCode());

        // a node stopped: the next snapshot is aborted, and answered as it is
        bank.nodes().get(1).stop();
        assertTrue(bank.nodes().get(1).awaitStopped(Duration.ofSeconds(30)));
        bank.request(2, List.of());
        assertEquals(AuditStatus.ABORTED, await(2, r -> true).getStatus());
        DeepAuditAnswer.Audited aborted =
            assertInstanceOf(DeepAuditAnswer.Audited.class, auditor.deepAudit(2));
        assertEquals(AuditStatus.ABORTED, aborted.report().getStatus());
        assertNull(aborted.report().getDeepAudit());
        assertTrue(auditor.failure().isEmpty(), auditor.failure().orElse(""));
      }
    }
  }

  @Test
  void when_the_deep_audit_is_not_done_within_the_answer_timeout_then_it_is_answered_queued(
      @TempDir Path tmp) throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "queued", 2, 4, 10_000)) {
      bank.start(bank.config(0, 200));
      bank.start(bank.config(1, 200));
      AuditorConfig config =
          AuditorConfig.of(bank.bootstrap, "queued", tmp.resolve("state"))
              .withPunctuateInterval(Duration.ofMillis(250))
              .withDeepAudit(DeepAuditSettings.DEFAULTS.withAnswerTimeout(Duration.ofNanos(1)));
      try (AuditorApp auditor = new AuditorApp(config)) {
        auditor.onReport(r -> reports.put(r.getSnapshotId(), r));
        auditor.start();
        assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor running");
        bank.request(1, List.of());
        await(1, r -> true);
        DeepAuditAnswer.Queued queued =
            assertInstanceOf(DeepAuditAnswer.Queued.class, auditor.deepAudit(1));
        assertTrue(queued.message().contains("queued"), queued.message());
        AuditReport deep = await(1, r -> r.getDeepAudit() != null);
        assertTrue(deep.getDeepAudit().getVerified(), "done later all the same");
      }
    }
  }
}
