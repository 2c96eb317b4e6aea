package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.store.SnapshotFileVerifier;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditorIntegrationTest {
  private final Map<Long, AuditReport> reports = new ConcurrentHashMap<>();

  private AuditReport await(long id, Predicate<AuditReport> ok, Duration timeout)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      AuditReport r = reports.get(id);
      if (r != null && ok.test(r)) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no matching report for snapshot " + id + " within " + timeout + ": " + reports.get(id));
  }

  @Test
  void
      when_snapshots_run_under_load_then_consistent_and_a_stopped_node_gives_aborted_until_it_returns(
          @TempDir Path tmp) throws Exception {
    try (BankFixture bank = new BankFixture(SharedBroker.bootstrap(), "aud", 4, 5, 10_000)) {
      BankNode[] nodes = new BankNode[4];
      for (int i = 0; i < 4; i++) {
        nodes[i] = bank.start(bank.config(i, 300));
      }
      AuditorConfig config =
          AuditorConfig.of(bank.bootstrap, "aud", tmp.resolve("state"))
              .withTimeout(Duration.ofSeconds(6))
              .withPunctuateInterval(Duration.ofMillis(500))
              .withStorage(tmp.resolve("snapshots"), 5)
              .withDeepAuditEvery(4);
      try (AuditorApp auditor = new AuditorApp(config)) {
        auditor.onReport(
            r ->
                reports.merge(
                    r.getSnapshotId(),
                    r,
                    (a, b) -> b.getDeepAudit() != null || a.getDeepAudit() == null ? b : a));
        auditor.start();
        assertTrue(auditor.awaitRunning(Duration.ofSeconds(60)), "auditor running");
        for (long id = 1; id <= 20; id++) {
          bank.request(id, List.of());
          Thread.sleep(150);
        }
        for (long id = 1; id <= 20; id++) {
          AuditReport r = await(id, x -> true, Duration.ofSeconds(60));
          assertEquals(
              AuditStatus.CONSISTENT, r.getStatus(), "snapshot " + id + ": " + r.getProblems());
          assertEquals(0, r.getDifference());
          assertEquals(bank.genesis.getTotal(), r.getBalancesTotal() + r.getInFlightTotal());
        }
        AuditReport deep = await(20, r -> r.getDeepAudit() != null, Duration.ofSeconds(30));
        assertTrue(deep.getDeepAudit().getVerified(), deep.getDeepAudit().getProblems().toString());
        assertEquals(
            deep.getInFlightTotal(),
            deep.getDeepAudit().getTransfers().stream().mapToLong(t -> t.getAmount()).sum());

        // a node stopped mid-run: its snapshot is ABORTED within the timeout
        nodes[3].stop();
        assertTrue(nodes[3].awaitStopped(Duration.ofSeconds(30)));
        long t0 = System.currentTimeMillis();
        bank.request(21, List.of());
        AuditReport aborted = await(21, x -> true, Duration.ofSeconds(30));
        assertEquals(AuditStatus.ABORTED, aborted.getStatus());
        // no node can complete without node 3's marker, so none reported
        assertEquals(List.of(0, 1, 2, 3), aborted.getMissingNodes());
        assertTrue(
            System.currentTimeMillis() - t0 < 6_000 + 5_000,
            "aborted within the timeout (+ punctuation)");

        // back again: new snapshots are consistent
        bank.start(bank.config(3, 300));
        bank.request(22, List.of());
        bank.request(23, List.of(1));
        assertEquals(
            AuditStatus.CONSISTENT, await(22, x -> true, Duration.ofSeconds(60)).getStatus());
        assertEquals(
            AuditStatus.CONSISTENT, await(23, x -> true, Duration.ofSeconds(60)).getStatus());
        assertTrue(auditor.failure().isEmpty(), auditor.failure().orElse(""));
      }
      // stored: the last 5 complete snapshots, each verifiable offline
      try (Stream<Path> files = Files.list(tmp.resolve("snapshots"))) {
        List<Path> avro = files.filter(f -> f.toString().endsWith(".avro")).sorted().toList();
        assertEquals(5, avro.size(), avro.toString());
        for (Path f : avro) {
          SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(f);
          assertTrue(v.ok(), f + ": " + v.problems());
          assertEquals(bank.genesis.getTotal(), v.recordedTotal());
        }
      }
    }
  }
}
