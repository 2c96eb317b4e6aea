package io.snapbank.node.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * What the transaction coordinator last did with a node's transactional id, asked right after the
 * node's producer was fenced. A coordinator that aborted a transaction on its own (it outlived
 * {@code transaction.timeout.ms}) leaves the id in {@code CompleteAbort} until a producer calls
 * {@code initTransactions()} (then {@code Empty}) and writes again ({@code Ongoing}, {@code
 * CompleteCommit}); the fenced instance does neither, so any of those states means another instance
 * initialised the id after the abort. A decision being written ({@code Prepare*}) is waited out.
 * And the coordinator aborts a transaction only once it has been open for the id's transaction
 * timeout: a producer fenced sooner after its last commit was fenced by another instance.
 */
final class TransactionCoordinatorView {
  private static final long PAUSE_MS = 20;

  private TransactionCoordinatorView() {}

  /**
   * Whether the coordinator may have aborted the fenced producer's transaction for its timeout: the
   * producer went {@code sinceCommitMs} without a commit, at least the id's transaction timeout,
   * and the last thing that happened to {@code transactionalId} is an abort (or it expired):
   * nothing initialised it since.
   *
   * @throws TimeoutException when the coordinator did not answer within {@code timeout}
   */
  static boolean timedOut(
      String bootstrap,
      Map<String, String> overrides,
      String transactionalId,
      long sinceCommitMs,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = BankSetup.admin(bootstrap, overrides)) {
      while (true) {
        TransactionDescription d =
            admin
                .describeTransactions(List.of(transactionalId))
                .description(transactionalId)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        TransactionState state = d.state();
        if (state != TransactionState.PREPARE_ABORT
            && state != TransactionState.PREPARE_COMMIT
            && state != TransactionState.PREPARE_EPOCH_FENCE) {
          return state == TransactionState.COMPLETE_ABORT
              && sinceCommitMs >= d.transactionTimeoutMs();
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(transactionalId + " stays in state " + state);
        }
        Thread.sleep(PAUSE_MS);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TransactionalIdNotFoundException) {
        return true; // expired: nothing initialised it since
      }
      if (e.getCause() instanceof KafkaException k) {
        throw k;
      }
      throw new KafkaException("describing transaction " + transactionalId, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TimeoutException("describing transaction " + transactionalId + ": no answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }
}
