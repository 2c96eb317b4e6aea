package io.snapbank.node.workload;

import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.TransferOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A node's synthetic customers: transfer orders at a steady rate, from a random own account to a
 * random account of this node or (with probability {@code remoteShare}) of another node, for a
 * random amount. Seeded, so a schedule replays exactly. Backpressure: while more than {@code
 * maxBacklog} records wait on the node's inputs, no orders are made (and none are owed later), so
 * markers never queue behind an unbounded backlog. At most half a second of orders, and never more
 * than {@value #MAX_BATCH}, come out of one call, so the node keeps polling. Not thread-safe.
 */
public final class Workload {
  /** Most orders one {@link #due} call makes. */
  public static final int MAX_BATCH = 5_000;

  private final WorkloadConfig config;
  private final int self;
  private final SplittableRandom random;
  private final List<String> own;
  private final List<Integer> others = new ArrayList<>();
  private final List<List<String>> accounts = new ArrayList<>();
  private double budget;
  private long lastMs = Long.MIN_VALUE;

  public Workload(WorkloadConfig config, int self, BankAccounts bank) {
    this(config, self, bank, new SplittableRandom(config.seed()));
  }

  private Workload(WorkloadConfig config, int self, BankAccounts bank, SplittableRandom random) {
    this.config = config;
    this.self = self;
    this.random = random;
    this.own = bank.accountsOf(self);
    for (int n : bank.nodes()) {
      while (accounts.size() <= n) {
        accounts.add(List.of());
      }
      accounts.set(n, bank.accountsOf(n));
      if (n != self && !bank.accountsOf(n).isEmpty()) {
        others.add(n);
      }
    }
  }

  /**
   * The same workload sending to {@code bank}'s accounts (the members changed); the random choices
   * go on where they were.
   */
  public Workload withTargets(BankAccounts bank) {
    Workload w = new Workload(config, self, bank, random);
    w.budget = budget;
    w.lastMs = lastMs;
    return w;
  }

  /**
   * Hands {@code sink} the orders due at {@code nowMs}, given {@code backlog} records waiting on
   * the node's inputs.
   */
  public void due(long nowMs, long backlog, Consumer<TransferOrder> sink) {
    if (config.transfersPerSecond() <= 0 || own.isEmpty()) {
      return;
    }
    if (lastMs == Long.MIN_VALUE || backlog > config.maxBacklog()) {
      lastMs = nowMs;
      return;
    }
    double cap = Math.max(1, Math.min(MAX_BATCH, config.transfersPerSecond() / 2));
    budget = Math.min(budget + config.transfersPerSecond() * (nowMs - lastMs) / 1000.0, cap);
    lastMs = nowMs;
    while (budget >= 1) {
      budget -= 1;
      sink.accept(next());
    }
  }

  /** One random order. */
  public TransferOrder next() {
    String from = own.get(random.nextInt(own.size()));
    long amount = 1 + (long) (random.nextDouble() * config.maxAmount());
    boolean remote =
        !others.isEmpty() && (random.nextDouble() < config.remoteShare() || own.size() < 2);
    int toNode = remote ? others.get(random.nextInt(others.size())) : self;
    List<String> targets = accounts.get(toNode);
    return new TransferOrder(from, toNode, targets.get(random.nextInt(targets.size())), amount);
  }
}
