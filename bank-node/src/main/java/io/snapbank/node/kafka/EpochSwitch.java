package io.snapbank.node.kafka;

import io.snapbank.node.codec.EpochCodec;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.EpochResult;
import io.snapbank.node.core.MembershipChange;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.RestoreResult;
import io.snapbank.node.restore.EpochHistory;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Applies the entries of the bank's epoch log to a node, each at once and in a transaction of its
 * own. A restore abandons the work since the last commit (it belongs to the abandoned timeline),
 * renews the producer (fencing every earlier instance) and replays the cut's in-flight ranges; a
 * membership change is applied to the core as an input. Either way the switch commits before
 * anything else, and the loop then rewires its inputs and workload to the node's new channels.
 */
final class EpochSwitch {
  /** What the loop does for the switch. */
  interface Host {
    NodeCore core();

    /** Abandons uncommitted work: abort, renew the producer, rewind to the last commit. */
    void abandonUncommitted();

    /** Makes the input being handled the record at hand (for quarantine). */
    void handling(ConsumerRecord<byte[], byte[]> r);

    /** Commits the switch with the epoch log consumed up to {@code r}, then rewires. */
    void commitSwitch(ConsumerRecord<byte[], byte[]> r);

    /** Consumes {@code r} without a switch. */
    void consumed(ConsumerRecord<byte[], byte[]> r);
  }

  /** What the loop does next. */
  enum Result {
    /** Go on with the batch. */
    NEXT,
    /** The node switched and was rewired: poll again. */
    REPOLL,
    /** The node left the bank: stop. */
    GONE
  }

  private final int self;
  private final BankTopics topics;
  private final Supplier<ChannelRangeReader> ranges;
  private final BankAccounts genesisAccounts;
  private final LongSupplier clock;
  private EpochHistory history;

  EpochSwitch(
      int self,
      BankTopics topics,
      Supplier<ChannelRangeReader> ranges,
      EpochHistory history,
      BankAccounts genesisAccounts,
      LongSupplier clock) {
    this.self = self;
    this.clock = clock;
    this.topics = topics;
    this.ranges = ranges;
    this.history = history;
    this.genesisAccounts = genesisAccounts;
  }

  /** The accounts this node may send to in {@code epoch} ({@link EpochHistory#targetsAt}). */
  BankAccounts targetsAt(long epoch) {
    return history.targetsAt(epoch, genesisAccounts);
  }

  Result apply(ConsumerRecord<byte[], byte[]> r, Host host) {
    BankEpoch e;
    try {
      e = r.value() == null ? null : topics.epochs().decode(r.value());
    } catch (RecordDecodingException ex) {
      e = null;
    }
    NodeCore core = host.core();
    if (e == null) {
      host.handling(r);
      core.onUnreadableControlRecord("not an epoch record");
      host.consumed(r);
      return Result.NEXT;
    }
    history = history.with(e);
    if (e.getEpoch() <= core.epochs().epoch()) {
      host.consumed(r);
      return Result.NEXT;
    }
    if (e.getKind() == EpochKind.RESTORE && e.getRestore() != null) {
      return restore(r, e, host);
    }
    Optional<MembershipChange> change = EpochCodec.membershipChange(e);
    if (change.isEmpty()) {
      throw new NodeLoop.FatalNodeError(
          "node " + self + " cannot apply epoch " + e.getEpoch() + " (" + e.getKind() + ")");
    }
    host.handling(r);
    EpochResult result = core.onMembership(change.get(), clock.getAsLong());
    host.commitSwitch(r);
    return result == EpochResult.GONE ? Result.GONE : Result.REPOLL;
  }

  private Result restore(ConsumerRecord<byte[], byte[]> r, BankEpoch e, Host host) {
    host.abandonUncommitted();
    host.handling(r);
    RestoreResult result;
    try (ChannelRangeReader reader = ranges.get()) {
      result = host.core().onRestore(EpochCodec.restorePlan(e, self), reader);
    }
    if (result.outcome() == RestoreResult.Outcome.REFUSED) {
      throw new NodeLoop.FatalNodeError(
          "node "
              + self
              + " cannot restore snapshot "
              + e.getRestore().getSnapshotId()
              + " (epoch "
              + e.getEpoch()
              + "): "
              + result.detail());
    }
    host.commitSwitch(r);
    return Result.REPOLL;
  }
}
