package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.app.AuditorApp;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.BankTransactions;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.TransactionListing;

/** A bank of node threads with a running auditor, for tests that need audited snapshots. */
final class AuditedBank implements AutoCloseable {
  final BankFixture bank;
  final AuditorApp auditor;
  private final Map<Long, AuditReport> reports = new ConcurrentHashMap<>();
  private long nextId = 1;

  AuditedBank(String bootstrap, String prefix, int nodes, Path state) throws Exception {
    this(bootstrap, BankTopics.of(prefix), nodes, state, c -> c);
  }

  /** A bank whose auditor also requests a snapshot every {@code requestPeriod} (zero: never). */
  AuditedBank(String bootstrap, String prefix, int nodes, Path state, Duration requestPeriod)
      throws Exception {
    this(bootstrap, BankTopics.of(prefix), nodes, state, c -> c.withRequestPeriod(requestPeriod));
  }

  /**
   * A bank initialised by {@code release} (its serdes write the genesis), its auditor's settings
   * changed by {@code tune}.
   */
  AuditedBank(
      String bootstrap,
      BankTopics release,
      int nodes,
      Path state,
      UnaryOperator<AuditorConfig> tune)
      throws Exception {
    this(bootstrap, release, BankSetup.genesis(nodes, 4, 10_000, 0), state, tune);
  }

  /** A bank with {@code genesis}, its auditor's settings changed by {@code tune}. */
  AuditedBank(
      String bootstrap,
      BankTopics release,
      BankGenesis genesis,
      Path state,
      UnaryOperator<AuditorConfig> tune)
      throws Exception {
    String prefix = release.prefix();
    bank = new BankFixture(bootstrap, release, genesis);
    auditor =
        new AuditorApp(
            tune.apply(
                AuditorConfig.of(bootstrap, prefix, state)
                    .withTimeout(Duration.ofSeconds(8))
                    .withPunctuateInterval(Duration.ofMillis(100))));
    auditor.onReport(r -> reports.put(r.getSnapshotId(), r));
    auditor.start();
    if (!auditor.awaitRunning(Duration.ofSeconds(60))) {
      throw new IllegalStateException("auditor not running: " + auditor.failure());
    }
  }

  /** Starts every node at {@code rate} transfers/s. */
  AuditedBank startNodes(int nodes, double rate) throws InterruptedException {
    for (int i = 0; i < nodes; i++) {
      bank.start(bank.config(i, rate));
    }
    return this;
  }

  /** Every audit report seen, the latest per snapshot. */
  Map<Long, AuditReport> reports() {
    return new java.util.TreeMap<>(reports);
  }

  /** Waits for a report matching {@code ok}, of any snapshot; returns it. */
  AuditReport awaitAny(Predicate<AuditReport> ok, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      for (AuditReport r : reports.values()) {
        if (ok.test(r)) {
          return r;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching report among " + reports.size());
  }

  /** Requests a snapshot and returns its id. */
  long request() {
    long id = nextId++;
    bank.request(id, List.of());
    return id;
  }

  /** Waits for the report of {@code id} matching {@code ok}. */
  AuditReport await(long id, Predicate<AuditReport> ok, Duration timeout)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      AuditReport r = reports.get(id);
      if (r != null && ok.test(r)) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching report for snapshot " + id + ": " + reports.get(id));
  }

  /** Requests snapshots until one is CONSISTENT; returns it. */
  AuditReport consistent() throws InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      AuditReport r = await(request(), x -> true, Duration.ofSeconds(60));
      if (r.getStatus() == AuditStatus.CONSISTENT) {
        return r;
      }
    }
    throw new AssertionError("no CONSISTENT snapshot in 5 attempts");
  }

  /**
   * Waits until a commit or abort of {@code transactionalId} that was decided has reached every
   * partition ({@link BankTransactions#awaitDecided}).
   */
  static void awaitDecided(String transactionalId) {
    BankTransactions.awaitDecided(
        SharedBroker.bootstrap(), transactionalId, Duration.ofSeconds(60));
  }

  /** Fails when a transaction of a node or the epoch writer of bank {@code prefix} is open. */
  static void assertNoOpenTransaction(String prefix) {
    List<TransactionListing> open =
        BankTransactions.openNow(
            SharedBroker.bootstrap(), t -> BankTransactions.ofBank(prefix, t.transactionalId()));
    assertTrue(open.isEmpty(), "open transactions " + open);
  }

  @Override
  public void close() throws Exception {
    bank.close();
    auditor.close();
  }
}
