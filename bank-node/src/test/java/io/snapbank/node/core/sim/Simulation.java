package io.snapbank.node.core.sim;

import io.snapbank.node.core.ChannelSnapshot;
import io.snapbank.node.core.EngineState;
import io.snapbank.node.core.Ledger;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.Outcome;
import io.snapbank.node.core.RecordedMessage;
import io.snapbank.node.core.SnapshotEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deterministic discrete-event simulation of real {@link SnapshotEngine}s: a seeded scheduler over
 * virtual time, a network of per-pair channels with a pluggable fault filter, random transfers,
 * snapshot requests (several in flight, sometimes two initiators of one id) and node crashes (state
 * saved and restored into fresh engine and ledger between events). Invariants are checked after
 * every event; {@link #run()} then drains the network and checks every snapshot against the
 * consistent-cut definition. Failures throw {@link AssertionError} naming the seed.
 */
public final class Simulation {
  /** How a channel picks a message's delivery time. */
  public interface FaultFilter {
    /**
     * Delivery time for a message sent now that would arrive at {@code proposed}; {@code
     * lastOnChannel} keeps FIFO.
     */
    long deliveryTime(int from, int to, long proposed, long lastOnChannel, SplittableRandom random);
  }

  /** FIFO: never before the previous message of the channel. */
  public static final FaultFilter FIFO = (f, t, proposed, last, r) -> Math.max(proposed, last);

  /** Breaks FIFO: a message may overtake earlier ones. */
  public static final FaultFilter REORDER = (f, t, proposed, last, r) -> proposed;

  /** Options of one run. */
  public record Options(
      int nodes,
      boolean complete,
      int steps,
      double crashRate,
      FaultFilter filter,
      boolean sequenceNumbers) {}

  private record Message(
      int from, int to, long seq, boolean marker, long value, int transferIndex) {}

  private record Event(long time, long order, Runnable action) {}

  private final long seed;
  private final Options options;
  private final SplittableRandom random;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
  private long now;
  private long order;
  private long eventCount;
  private final int n;
  private final boolean[][] edge;
  private final Ledger[] ledgers;
  private final SnapshotEngine[] engines;
  private final long initialTotal;
  private long inNetwork;
  private final long[][] lastDelivery;
  private final long[][] nextOffset;

  /** Transfers sent per channel, in send order: amounts. */
  private final List<List<Long>> sent = new ArrayList<>();

  private final int[][] received;

  /**
   * snapshot → node → balances at recording; sent counts per out-channel; received counts per
   * in-channel.
   */
  private final Map<Long, Map<Integer, SortedMap<String, Long>>> recordedBalances = new TreeMap<>();

  private final Map<Long, Map<Integer, int[]>> sentAtRecording = new TreeMap<>();
  private final Map<Long, Map<Integer, int[]>> receivedAtRecording = new TreeMap<>();
  private final Map<Long, Map<Integer, LocalSnapshot>> completed = new TreeMap<>();

  /** (snapshot, node) pairs whose collected messages were lost by a crash during recording. */
  private final Set<String> crashedWhileRecording = new HashSet<>();

  private final List<Outcome> fifoViolations = new ArrayList<>();
  private long nextSnapshotId = 1;
  private int crashes;

  public Simulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new SplittableRandom(seed);
    this.n = options.nodes();
    this.edge = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      edge[i][(i + 1) % n] = n > 1;
      for (int j = 0; j < n; j++) {
        if (i != j && (options.complete() || random.nextInt(4) == 0)) {
          edge[i][j] = true;
        }
      }
    }
    ledgers = new Ledger[n];
    engines = new SnapshotEngine[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      SortedMap<String, Long> opening = new TreeMap<>();
      for (int a = 0; a < 3; a++) {
        long b = 50 + random.nextInt(100);
        opening.put("n" + i + "-a" + a, b);
        total += b;
      }
      ledgers[i] = new Ledger(opening);
      engines[i] = newEngine(i, ledgers[i]);
    }
    initialTotal = total;
    lastDelivery = new long[n][n];
    nextOffset = new long[n][n];
    received = new int[n][n];
    for (int c = 0; c < n * n; c++) {
      sent.add(new ArrayList<>());
    }
  }

  private SnapshotEngine newEngine(int i, Ledger ledger) {
    List<Integer> in = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (edge[j][i]) {
        in.add(j);
      }
      if (edge[i][j]) {
        out.add(j);
      }
    }
    return new SnapshotEngine(
        i,
        in,
        out,
        ledger,
        new SnapshotEngine.Outbox() {
          @Override
          public void sendMarker(int to, long seq, long snapshotId) {
            send(new Message(i, to, seq, true, snapshotId, -1));
          }

          @Override
          public void completed(LocalSnapshot s) {
            Map<Integer, LocalSnapshot> m =
                completed.computeIfAbsent(s.snapshotId(), k -> new TreeMap<>());
            check(
                m.put(i, s) == null,
                "snapshot " + s.snapshotId() + " completed twice on node " + i);
          }
        },
        true);
  }

  /** Runs the schedule, drains the network and checks every snapshot. */
  public Simulation run() {
    for (int s = 0; s < options.steps(); s++) {
      long at = now + 1 + random.nextInt(5);
      int kind = random.nextInt(100);
      if (kind < 80) {
        schedule(at, this::randomTransfer);
      } else if (kind < 92) {
        schedule(at, this::randomRequest);
      } else if (random.nextDouble() < options.crashRate() * 8) {
        schedule(at, this::randomCrash);
      }
      step();
      if (!fifoViolations.isEmpty()) {
        return this;
      }
    }
    while (!queue.isEmpty() && fifoViolations.isEmpty()) {
      step();
    }
    if (fifoViolations.isEmpty()) {
      checkSnapshots();
    }
    return this;
  }

  public List<Outcome> fifoViolations() {
    return fifoViolations;
  }

  public int snapshots() {
    return completed.size();
  }

  public int crashes() {
    return crashes;
  }

  private void step() {
    Event e = queue.poll();
    if (e == null) {
      return;
    }
    now = e.time;
    e.action.run();
    eventCount++;
    if (fifoViolations.isEmpty()) {
      checkInvariants();
    }
  }

  private void schedule(long at, Runnable action) {
    queue.add(new Event(at, order++, action));
  }

  private void randomTransfer() {
    int i = random.nextInt(n);
    List<Integer> outs = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (edge[i][j]) {
        outs.add(j);
      }
    }
    if (outs.isEmpty()) {
      return;
    }
    int j = outs.get(random.nextInt(outs.size()));
    String from = "n" + i + "-a" + random.nextInt(3);
    long amount = 1 + random.nextInt(60);
    if (ledgers[i].debit(from, amount) != Ledger.Debit.DONE) {
      return; // refused: not enough money
    }
    List<Long> log = sent.get(i * n + j);
    log.add(amount);
    send(new Message(i, j, engines[i].nextTransferSeq(j), false, amount, log.size()));
  }

  private void randomRequest() {
    long id = nextSnapshotId++;
    int first = random.nextInt(n);
    request(first, id);
    if (random.nextInt(4) == 0) { // a second initiator of the same id, a little later
      int second = random.nextInt(n);
      schedule(now + random.nextInt(3), () -> request(second, id));
    }
  }

  private void request(int node, long id) {
    Set<Long> before = known(node);
    engines[node].onRequest(id, now, now);
    noteRecordings(node, before);
  }

  private void randomCrash() {
    int i = random.nextInt(n);
    EngineState state = engines[i].save();
    SortedMap<String, Long> balances = ledgers[i].capture();
    for (long open : engines[i].openSnapshots()) {
      crashedWhileRecording.add(open + "/" + i);
    }
    ledgers[i] = new Ledger(balances);
    engines[i] = newEngine(i, ledgers[i]);
    engines[i].restore(state);
    crashes++;
  }

  private void send(Message m) {
    if (!m.marker()) {
      inNetwork += m.value();
    }
    long proposed = now + 1 + random.nextInt(10);
    long at =
        options
            .filter()
            .deliveryTime(m.from(), m.to(), proposed, lastDelivery[m.from()][m.to()], random);
    lastDelivery[m.from()][m.to()] = Math.max(lastDelivery[m.from()][m.to()], at);
    schedule(at, () -> deliver(m));
  }

  private void deliver(Message m) {
    int i = m.from();
    int j = m.to();
    long seq = options.sequenceNumbers() ? m.seq() : engines[j].lastReceivedSeq(i) + 1;
    long offset = nextOffset[i][j]++;
    if (m.marker()) {
      Set<Long> before = known(j);
      Outcome o = engines[j].onMarker(i, seq, offset, m.value(), now);
      if (o.isFifoViolation()) {
        fifoViolations.add(o);
        return;
      }
      noteRecordings(j, before);
    } else {
      Outcome o = engines[j].onTransfer(i, seq, offset, m.value());
      if (o.isFifoViolation()) {
        fifoViolations.add(o); // the run stops here
        return;
      }
      ledgers[j].credit("n" + j + "-a" + (int) (m.value() % 3), m.value());
      inNetwork -= m.value();
      received[i][j]++;
    }
  }

  private Set<Long> known(int node) {
    Set<Long> s = new TreeSet<>(engines[node].openSnapshots());
    for (long id = 1; id < nextSnapshotId; id++) {
      if (engines[node].isFinished(id)) {
        s.add(id);
      }
    }
    return s;
  }

  /** Records the harness's view of the moment node recorded any snapshot it newly knows. */
  private void noteRecordings(int node, Set<Long> before) {
    for (long id : known(node)) {
      if (before.contains(id)) {
        continue;
      }
      recordedBalances.computeIfAbsent(id, k -> new TreeMap<>()).put(node, ledgers[node].capture());
      int[] s = new int[n];
      int[] r = new int[n];
      for (int k = 0; k < n; k++) {
        s[k] = sent.get(node * n + k).size();
        r[k] = received[k][node];
      }
      sentAtRecording.computeIfAbsent(id, k -> new TreeMap<>()).put(node, s);
      receivedAtRecording.computeIfAbsent(id, k -> new TreeMap<>()).put(node, r);
    }
  }

  private void checkInvariants() {
    long total = inNetwork;
    for (Ledger l : ledgers) {
      for (long b : l.capture().values()) {
        check(b >= 0, "negative balance");
        total += b;
      }
    }
    check(total == initialTotal, "money not conserved: " + total + " != " + initialTotal);
  }

  private void checkSnapshots() {
    for (long id = 1; id < nextSnapshotId; id++) {
      Map<Integer, LocalSnapshot> parts = completed.getOrDefault(id, Map.of());
      check(
          parts.size() == n,
          "snapshot " + id + " completed on " + parts.keySet() + " of " + n + " nodes");
      long total = 0;
      for (int i = 0; i < n; i++) {
        LocalSnapshot s = parts.get(i);
        total += s.total();
        check(
            s.balances().equals(recordedBalances.get(id).get(i)),
            "snapshot "
                + id
                + " node "
                + i
                + " recorded "
                + s.balances()
                + " but held "
                + recordedBalances.get(id).get(i));
        for (ChannelSnapshot c : s.channels()) {
          int from = c.from();
          int sAt = sentAtRecording.get(id).get(from)[i];
          int rAt = receivedAtRecording.get(id).get(i)[from];
          List<Long> expected = rAt >= sAt ? List.of() : sent.get(from * n + i).subList(rAt, sAt);
          long expectedSum = expected.stream().mapToLong(Long::longValue).sum();
          String where = "snapshot " + id + " channel " + from + "->" + i;
          check(
              c.count() == expected.size() && c.sum() == expectedSum,
              where
                  + ": recorded "
                  + c.count()
                  + " transfers summing "
                  + c.sum()
                  + ", consistent cut has "
                  + expected.size()
                  + " summing "
                  + expectedSum);
          if (!crashedWhileRecording.contains(id + "/" + i)) {
            List<Long> got = new ArrayList<>();
            for (RecordedMessage m : c.messages()) {
              got.add(m.amount());
            }
            check(
                got.equals(expected),
                where + ": recorded " + got + ", consistent cut has " + expected);
          }
        }
      }
      check(total == initialTotal, "snapshot " + id + " total " + total + " != " + initialTotal);
    }
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(
          "seed="
              + seed
              + " event#"
              + eventCount
              + " t="
              + now
              + " nodes="
              + n
              + ": "
              + what
              + " (rerun with -Dsim.seed="
              + seed
              + ")");
    }
  }
}
