package io.snapbank.cli;

import io.snapbank.node.kafka.MembershipController;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * What an operator can do to the running demo, on a schedule ({@code --restore-after}, {@code
 * --join-after}, {@code --leave-after}) or on a key at a terminal: {@code r} rolls the bank back to
 * its last verified cut, {@code j} admits a new node and starts it, {@code l} (or {@code l N})
 * removes the member with the highest id (or node N). Actions run one at a time on their own
 * thread, print what they did, and the demo keeps going.
 */
final class DemoActions implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** When each scheduled action is due, after the start; null: never. */
  record Schedule(Duration restoreAfter, Duration joinAfter, Duration leaveAfter) {}

  private final String bootstrap;
  private final Map<String, String> client;
  private final BankTopics topics;
  private final PrintStream out;
  private final Supplier<Optional<AuditReport>> lastConsistent;
  private final IntConsumer startNode;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "demo-actions");
            t.setDaemon(true);
            return t;
          });
  private boolean restored;
  private boolean joined;
  private boolean left;

  /**
   * Actions on the demo bank at {@code bootstrap}; {@code startNode} runs a node that has just been
   * admitted.
   */
  DemoActions(
      String bootstrap,
      Map<String, String> client,
      BankTopics topics,
      PrintStream out,
      Supplier<Optional<AuditReport>> lastConsistent,
      IntConsumer startNode) {
    this.bootstrap = bootstrap;
    this.client = Map.copyOf(client);
    this.topics = topics;
    this.out = out;
    this.lastConsistent = lastConsistent;
    this.startNode = startNode;
  }

  /** Starts each action of {@code schedule} that is due {@code elapsed} after the start, once. */
  void runDue(Schedule schedule, Duration elapsed) {
    if (!restored && due(schedule.restoreAfter(), elapsed)) {
      restored = true;
      worker.submit(this::restoreToLastVerified);
    }
    if (!joined && due(schedule.joinAfter(), elapsed)) {
      joined = true;
      worker.submit(this::join);
    }
    if (!left && due(schedule.leaveAfter(), elapsed)) {
      left = true;
      worker.submit(() -> leave(OptionalInt.empty()));
    }
  }

  private static boolean due(Duration after, Duration elapsed) {
    return after != null && elapsed.compareTo(after) >= 0;
  }

  /** Rolls the bank back to the last CONSISTENT snapshot, printing the plan's outcome. */
  void restoreToLastVerified() {
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
      boolean all = c.await(e.getEpoch(), plan.members(), WAIT, line -> out.println("  " + line));
      out.printf(
          "restore: %s in %d ms; the bank goes on from the cut%n",
          all ? "every node switched" : "not every node switched yet", millisSince(t0));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException ex) {
      out.println("\nrestore failed: " + UserErrors.describe(ex));
    }
  }

  /** Admits a new node with node 0's accounts and openings, and starts it. */
  void join() {
    try (MembershipController c = new MembershipController(bootstrap, client, topics)) {
      long t0 = System.nanoTime();
      int accounts =
          (int) c.genesis().getAccounts().stream().filter(a -> a.getNodeId() == 0).count();
      long opening = c.genesis().getAccounts().get(0).getBalance();
      BankEpoch e = c.add(accounts, opening, "demo", System.currentTimeMillis());
      int id = e.getJoined().getNodeId();
      out.println(
          "\njoin: epoch "
              + e.getEpoch()
              + " admits node "
              + id
              + " (money in "
              + e.getMoneyIn()
              + "); members "
              + e.getMembers());
      startNode.accept(id);
      boolean all = c.awaitApplied(e, WAIT, line -> out.println("  " + line));
      out.printf(
          "join: %s in %d ms%n",
          all ? "every member runs in epoch " + e.getEpoch() : "not every member switched yet",
          millisSince(t0));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException ex) {
      out.println("\njoin refused: " + UserErrors.describe(ex));
    }
  }

  /** Removes node {@code id}, or the member with the highest id, and waits until it left. */
  void leave(OptionalInt id) {
    try (MembershipController c = new MembershipController(bootstrap, client, topics)) {
      long t0 = System.nanoTime();
      List<Integer> members = c.history().membersAt(c.history().current());
      int node = id.orElse(members.get(members.size() - 1));
      BankEpoch leave = c.startLeave(node, Optional.empty(), "demo", System.currentTimeMillis());
      out.println("\nleave: epoch " + leave.getEpoch() + " drains node " + node);
      Optional<BankEpoch> gone =
          c.finishLeave(
              leave, WAIT, line -> out.println("  " + line), "demo", System.currentTimeMillis());
      out.println(
          gone.map(
                  g ->
                      String.format(
                          "leave: node %d left in epoch %d after %d ms; members %s",
                          node, g.getEpoch(), millisSince(t0), g.getMembers()))
              .orElse("leave: node " + node + " has not drained yet; press l " + node + " again"));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException ex) {
      out.println("\nleave refused: " + UserErrors.describe(ex));
    }
  }

  /** Reads keys from the terminal on a daemon thread: r, j, l or l N, each then Enter. */
  void listenToKeys() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  onKey(line.trim().toLowerCase(java.util.Locale.ROOT));
                }
              } catch (IOException e) {
                // no terminal: no keys
              }
            },
            "demo-keys");
    t.setDaemon(true);
    t.start();
  }

  private void onKey(String key) {
    if (key.equals("r")) {
      worker.submit(this::restoreToLastVerified);
    } else if (key.equals("j")) {
      worker.submit(this::join);
    } else if (key.equals("l")) {
      worker.submit(() -> leave(OptionalInt.empty()));
    } else if (key.matches("l\\s+\\d+")) {
      int node = Integer.parseInt(key.substring(1).trim());
      worker.submit(() -> leave(OptionalInt.of(node)));
    } else if (!key.isEmpty()) {
      out.println("\nkeys: r (roll back), j (join a node), l or l N (a node leaves)");
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
