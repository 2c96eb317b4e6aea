package io.snapbank.node.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.broker.EmbeddedKafkaBroker;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.invariants.BankObservation;
import io.snapbank.node.invariants.Invariants;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A fenced node tells a transaction the coordinator aborted (it outlived the transaction timeout,
 * as when the broker pauses) from a second instance of itself: it resumes from its last commit in
 * the first case and stops, saying so, in the second. Its own broker aborts timed-out transactions
 * at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerFencingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private EmbeddedKafkaBroker broker;

  @BeforeAll
  void startBroker() {
    broker =
        EmbeddedKafkaBroker.builder()
            .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "100")
            .start();
  }

  @AfterAll
  void stopBroker() {
    broker.close();
  }

  @Test
  void when_a_transaction_outlives_the_transaction_timeout_then_the_node_resumes()
      throws Exception {
    try (BankFixture bank =
            new BankFixture(broker.bootstrapServers(), "fence-timeout", 2, 4, 10_000);
        Admin admin = BankSetup.admin(broker.bootstrapServers())) {
      NodeConfig stalled =
          bank.config(0, 300).withClientOverrides(Map.of("transaction.timeout.ms", "1000"));
      StallUntilAborted probe = new StallUntilAborted(admin, stalled.transactionalId(), 20);
      bank.onStart(
          n -> {
            if (n.nodeId() == 0) {
              n.observe(probe);
            }
          });
      BankNode node = bank.start(stalled);
      bank.start(bank.config(1, 300));

      awaitTrue(
          () -> node.stats().resumes() == 1 || node.failure().isPresent(),
          "node 0 resumed after the abort, or stopped");
      assertTrue(node.failure().isEmpty(), () -> "node 0 stopped: " + node.failure());
      long commitsAtResume = node.stats().commits();
      awaitTrue(
          () -> node.stats().commits() >= commitsAtResume + 10, "node 0 commits again afterwards");
      bank.request(1, List.of());
      assertEquals(2, bank.reports(2, WAIT).size(), "both nodes report the snapshot");
      bank.stopAll();

      assertTrue(probe.aborted, "the coordinator aborted the stalled transaction");
      for (BankNode n : bank.nodes()) {
        assertTrue(n.failure().isEmpty(), () -> "node failed: " + n.failure());
      }
      assertEquals(1, node.stats().resumes());
      assertTrue(node.stats().transfersSent() > 0, "node 0 moved money");
      BankObservation history =
          KafkaObservation.read(bank.bootstrap, bank.topics, bank.genesis, WAIT);
      assertEquals(1, history.snapshots().size());
      // conservation, every transfer credited once, FIFO channels, the snapshot a consistent cut
      Invariants.assertHold(Invariants.all(), history, "bank after a coordinator abort");
    }
  }

  @Test
  void when_a_second_instance_starts_then_the_first_stops_saying_so() throws Exception {
    try (BankFixture bank =
        new BankFixture(broker.bootstrapServers(), "fence-second", 2, 4, 10_000)) {
      BankNode first = bank.start(bank.config(0, 300));
      bank.start(bank.config(1, 300));
      awaitTrue(() -> first.stats().commits() >= 5, "the first instance commits");

      BankNode second = bank.start(bank.config(0, 300));

      assertTrue(first.awaitStopped(WAIT), "the first instance stops");
      String why = first.failure().orElse("");
      assertTrue(
          why.startsWith("node 0 stopped: a second instance of node 0 took over"),
          () -> "the first instance says why: " + why);
      awaitTrue(() -> second.stats().commits() >= 5, "the second instance goes on");
      bank.request(1, List.of());
      assertEquals(2, bank.reports(2, WAIT).size(), "both nodes report the snapshot");
      bank.stopAll();

      assertTrue(second.failure().isEmpty(), () -> "second failed: " + second.failure());
      assertEquals(0, second.stats().resumes(), "the second instance was never fenced");
      assertEquals(0, first.stats().resumes(), "the first instance did not take the node back");
      BankObservation history =
          KafkaObservation.read(bank.bootstrap, bank.topics, bank.genesis, WAIT);
      Invariants.assertHold(Invariants.all(), history, "bank after a second instance took over");
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Holds the node's loop inside one open transaction (at its {@code afterCommits}-th commit) until
   * the coordinator has aborted that transaction for outliving its timeout.
   */
  private static final class StallUntilAborted implements NodeProbe {
    private final Admin admin;
    private final String transactionalId;
    private final int afterCommits;
    private int commits;
    private volatile boolean aborted;

    StallUntilAborted(Admin admin, String transactionalId, int afterCommits) {
      this.admin = admin;
      this.transactionalId = transactionalId;
      this.afterCommits = afterCommits;
    }

    @Override
    public void committing() {
      if (++commits != afterCommits) {
        return;
      }
      try {
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean ongoing = false;
        while (System.nanoTime() < deadline) {
          TransactionState state =
              admin
                  .describeTransactions(List.of(transactionalId))
                  .description(transactionalId)
                  .get(30, TimeUnit.SECONDS)
                  .state();
          ongoing |= state == TransactionState.ONGOING;
          if (ongoing && state == TransactionState.COMPLETE_ABORT) {
            aborted = true;
            return;
          }
          Thread.sleep(20);
        }
      } catch (Exception e) {
        throw new IllegalStateException("cannot describe " + transactionalId, e);
      }
    }
  }
}
