package io.snapbank.node.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;

/**
 * The transactions of a bank's writers (its nodes {@code <prefix>-node-<i>} and its epoch writer
 * {@code <prefix>-epochs}) as the coordinator lists them, for tests. A commit returns once the
 * coordinator decided it; its markers reach the partitions one by one after that, so a test that
 * reads right after another process's commit waits here first.
 */
public final class BankTransactions {
  private static final Duration POLL = Duration.ofMillis(20);

  private BankTransactions() {}

  /** Whether {@code state} is a transaction still open or still being completed. */
  public static boolean open(TransactionState state) {
    return state == TransactionState.ONGOING || completing(state);
  }

  /** Whether {@code state} is a decided commit or abort whose markers are still being written. */
  public static boolean completing(TransactionState state) {
    return state == TransactionState.PREPARE_COMMIT || state == TransactionState.PREPARE_ABORT;
  }

  /** Whether {@code transactionalId} is one of bank {@code prefix}'s writers. */
  public static boolean ofBank(String prefix, String transactionalId) {
    return transactionalId.startsWith(prefix + "-node-")
        || transactionalId.equals(prefix + "-epochs");
  }

  /** The transactions matching {@code which} that are open now (see {@link #open}). */
  public static List<TransactionListing> openNow(
      String bootstrap, Predicate<TransactionListing> which) {
    try (Admin admin = BankSetup.admin(bootstrap)) {
      return list(admin).stream().filter(which).filter(t -> open(t.state())).toList();
    }
  }

  /**
   * Waits until no transaction matching {@code which} is in a state {@code busy} holds; fails after
   * {@code timeout}.
   */
  public static void await(
      String bootstrap,
      Predicate<TransactionListing> which,
      Predicate<TransactionState> busy,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = BankSetup.admin(bootstrap)) {
      while (true) {
        List<TransactionListing> left =
            list(admin).stream().filter(which).filter(t -> busy.test(t.state())).toList();
        if (left.isEmpty()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("transactions still open after " + timeout + ": " + left);
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Waits until bank {@code prefix}'s writers have no transaction open or being completed. */
  public static void awaitEnded(String bootstrap, String prefix, Duration timeout) {
    await(bootstrap, t -> ofBank(prefix, t.transactionalId()), BankTransactions::open, timeout);
  }

  /**
   * Waits until a commit or abort of {@code transactionalId} that was decided has reached every
   * partition (an ongoing one that nobody will commit is left to time out: it is aborted).
   */
  public static void awaitDecided(String bootstrap, String transactionalId, Duration timeout) {
    await(
        bootstrap,
        t -> t.transactionalId().equals(transactionalId),
        BankTransactions::completing,
        timeout);
  }

  private static List<TransactionListing> list(Admin admin) {
    try {
      return List.copyOf(admin.listTransactions().all().get(30, TimeUnit.SECONDS));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot list transactions", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
