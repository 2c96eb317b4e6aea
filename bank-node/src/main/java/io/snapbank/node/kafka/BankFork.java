package io.snapbank.node.kafka;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.codec.CheckpointCodec;
import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.EngineState;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeState;
import io.snapbank.node.restore.RestoreCheck;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Forks a verified cut into a new bank under another prefix, leaving the original untouched: the
 * new bank's accounts open with the cut's balances, the cut's in-flight transfers are copied onto
 * its channels as their first records (same ids, accounts and amounts, numbered from 1), and each
 * node starts from a checkpoint that has sent exactly those. Its genesis total is the cut's total,
 * and its genesis names where it came from. Everything is written in one transaction, so the new
 * bank either exists whole or not at all.
 */
public final class BankFork {
  /** The checks a fork needs: membership and the source bank's progress do not matter. */
  private static final Set<RestoreCheck.Rule> NEEDED =
      EnumSet.of(
          RestoreCheck.Rule.CONSISTENT,
          RestoreCheck.Rule.NODE_STATE,
          RestoreCheck.Rule.RANGES_IN_LOG,
          RestoreCheck.Rule.REPLAY_MATCHES,
          RestoreCheck.Rule.RECORDS_READABLE);

  /** What a fork created. */
  public record Result(BankGenesis genesis, long transfersCopied, List<String> topicsCreated) {}

  private BankFork() {}

  /** The checks that decide a fork, with whether the target is free. */
  public static List<RestoreCheck> checks(
      RestoreController.Plan plan, boolean targetFree, String target) {
    List<RestoreCheck> out = new ArrayList<>();
    plan.checks().stream().filter(c -> NEEDED.contains(c.rule())).forEach(out::add);
    out.add(
        targetFree
            ? RestoreCheck.pass(RestoreCheck.Rule.TARGET_FREE, "bank '" + target + "' is new")
            : RestoreCheck.fail(
                RestoreCheck.Rule.TARGET_FREE,
                "bank '" + target + "' already exists; fork into a new prefix"));
    return out;
  }

  /** Creates bank {@code target} from {@code plan}'s cut of bank {@code source}. */
  public static Result fork(
      String bootstrap,
      Map<String, String> overrides,
      RestoreController.Plan plan,
      BankTopics source,
      BankTopics target,
      long nowMs)
      throws InterruptedException {
    if (target.prefix().equals(source.prefix())) {
      throw new IllegalArgumentException(
          "a fork needs another prefix than '" + source.prefix() + "'");
    }
    boolean free =
        BankSetup.readGenesis(bootstrap, overrides, target, Duration.ofSeconds(30)).isEmpty();
    List<String> refused =
        checks(plan, free, target.prefix()).stream()
            .filter(c -> !c.passed())
            .map(RestoreCheck::line)
            .toList();
    if (!refused.isEmpty()) {
      throw new IllegalStateException(
          "snapshot "
              + plan.cut().getSnapshotId()
              + " cannot be forked into '"
              + target.prefix()
              + "': "
              + String.join("; ", refused));
    }
    AuditReport cut = plan.cut();
    int n = cut.getNodes().size();
    List<String> created = BankSetup.createTopics(bootstrap, overrides, target, n);
    new SchemaRegistry(bootstrap, overrides, target)
        .registerWriters("fork of bank '" + source.prefix() + "'", List.of());
    List<GenesisAccount> accounts = new ArrayList<>();
    for (NodeFigure f : cut.getNodes()) {
      for (AccountBalance b : f.getBalances()) {
        accounts.add(new GenesisAccount(f.getNodeId(), b.getAccount(), b.getBalance()));
      }
    }
    BankGenesis genesis =
        new BankGenesis(
            n,
            cut.getExpectedTotal(),
            accounts,
            nowMs,
            "bank '"
                + source.prefix()
                + "' snapshot "
                + cut.getSnapshotId()
                + " (epoch "
                + cut.getEpoch()
                + ")",
            1,
            io.snapbank.schemas.ChannelOrder.FIFO,
            1);
    long copied = 0;
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.transactionalProducer(bootstrap, target.prefix() + "-fork", overrides)) {
      p.initTransactions();
      p.beginTransaction();
      send(p, target.genesis().name(), 0, BankSetup.GENESIS_KEY, target.genesis().encode(genesis));
      // per sender: the copied transfers per receiver
      Map<Integer, SortedMap<Integer, List<ChannelRangeReader.InFlight>>> bySender =
          new TreeMap<>();
      plan.replays()
          .values()
          .forEach(
              r ->
                  r.transfers()
                      .forEach(
                          t ->
                              bySender
                                  .computeIfAbsent(t.from(), k -> new TreeMap<>())
                                  .computeIfAbsent(t.to(), k -> new ArrayList<>())
                                  .add(t)));
      for (NodeFigure f : cut.getNodes()) {
        int i = f.getNodeId();
        SortedMap<Integer, List<ChannelRangeReader.InFlight>> out =
            bySender.getOrDefault(i, new TreeMap<>());
        TreeMap<Lane, Long> outSeq = new TreeMap<>();
        TreeMap<Lane, Long> zero = new TreeMap<>();
        TreeMap<Integer, ChannelCounters> sent = new TreeMap<>();
        long lastId = 0;
        for (int j = 0; j < n; j++) {
          if (j == i) {
            continue;
          }
          zero.put(Lane.of(j), 0L);
          long seq = 0;
          ChannelCounters c = ChannelCounters.ZERO;
          for (ChannelRangeReader.InFlight t : out.getOrDefault(j, List.of())) {
            ChannelMessage m =
                new ChannelMessage(
                    i,
                    j,
                    ++seq,
                    new ChannelMessage.Transfer(
                        t.transferId(), t.fromAccount(), t.toAccount(), t.amount(), t.sentAtMs()));
            send(
                p,
                target.transfers(i).name(),
                j,
                t.transferId(),
                target.transfers(i).encode(ChannelCodec.toRecord(m)));
            c = c.plus(t.amount());
            lastId = Math.max(lastId, idNumber(t.transferId(), i));
            copied++;
          }
          outSeq.put(Lane.of(j), seq);
          if (c.count() > 0) {
            sent.put(j, c);
          }
        }
        TreeMap<String, Long> balances = new TreeMap<>();
        f.getBalances().forEach(b -> balances.put(b.getAccount(), b.getBalance()));
        NodeState state =
            new NodeState(
                i,
                balances,
                new EngineState(i, outSeq, zero, new TreeMap<>(zero), List.of(), List.of()),
                sent,
                new TreeMap<>(),
                lastId,
                0,
                0);
        send(
            p,
            target.nodeState().name(),
            i,
            Integer.toString(i),
            target.nodeState().encode(CheckpointCodec.encode(state, 0, nowMs)));
      }
      p.commitTransaction();
    }
    return new Result(genesis, copied, created);
  }

  /** The number n of a transfer id {@code <node>-<n>} of {@code node} (0 when not of that form). */
  private static long idNumber(String id, int node) {
    String prefix = node + "-";
    if (!id.startsWith(prefix)) {
      return 0;
    }
    try {
      return Long.parseLong(id.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> p, String topic, int partition, String key, byte[] value) {
    p.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value));
  }
}
