package io.snapbank.cli;

import io.snapbank.node.kafka.RestoreController;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.topic.BankTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What an operator can do to the running demo: roll the bank back to its last verified cut, on a
 * schedule ({@code --restore-after}) or on a key ({@code r} then Enter). Each action prints what it
 * did and the demo keeps going.
 */
final class DemoActions {
  private final String bootstrap;
  private final Map<String, String> client;
  private final BankTopics topics;
  private final PrintStream out;
  private final Supplier<Optional<AuditReport>> lastConsistent;

  DemoActions(
      String bootstrap,
      Map<String, String> client,
      BankTopics topics,
      PrintStream out,
      Supplier<Optional<AuditReport>> lastConsistent) {
    this.bootstrap = bootstrap;
    this.client = Map.copyOf(client);
    this.topics = topics;
    this.out = out;
    this.lastConsistent = lastConsistent;
  }

  /** Rolls the bank back to the last CONSISTENT snapshot, printing the plan's outcome. */
  synchronized void restoreToLastVerified() {
    Optional<AuditReport> cut = lastConsistent.get();
    if (cut.isEmpty()) {
      out.println("\nrestore: no verified snapshot yet; try again in a moment");
      return;
    }
    long id = cut.get().getSnapshotId();
    try (RestoreController c = new RestoreController(bootstrap, client, topics)) {
      RestoreController.Plan plan = c.plan(id);
      if (!plan.restorable()) {
        out.println("\nrestore of snapshot " + id + " refused: " + plan.refusals());
        return;
      }
      long t0 = System.nanoTime();
      BankEpoch e = c.commit(plan, "demo", "operator rollback", System.currentTimeMillis());
      out.println(
          "\nrestore: rolling back to snapshot "
              + id
              + " ("
              + plan.cut().getBalancesTotal()
              + " + "
              + plan.cut().getInFlightTotal()
              + " in flight), epoch "
              + e.getEpoch());
      boolean all =
          c.await(
              e.getEpoch(),
              plan.members(),
              Duration.ofSeconds(60),
              line -> out.println("  " + line));
      out.printf(
          "restore: %s in %d ms; the bank goes on from the cut%n",
          all ? "every node switched" : "not every node switched yet",
          (System.nanoTime() - t0) / 1_000_000);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException ex) {
      out.println("\nrestore failed: " + UserErrors.describe(ex));
    }
  }

  /** Reads keys from the terminal on a daemon thread: {@code r} + Enter rolls the bank back. */
  void listenToKeys() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.trim().equalsIgnoreCase("r")) {
                    restoreToLastVerified();
                  }
                }
              } catch (IOException e) {
                // no terminal: no keys
              }
            },
            "demo-keys");
    t.setDaemon(true);
    t.start();
  }
}
