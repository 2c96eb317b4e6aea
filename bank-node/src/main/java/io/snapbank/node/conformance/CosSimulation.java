package io.snapbank.node.conformance;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelSnapshot;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.Outcome;
import io.snapbank.node.core.RecordedMessage;
import io.snapbank.node.core.SnapshotEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Replays one conformance case through real {@link SnapshotEngine}s with the case format's timing
 * model: every send gets {@code receiveTime = time + 1 + d} with d the next fixed delay; on each
 * tick every node, in byte-wise id order, delivers the due head of its first link (in byte-wise
 * destination order) that has one.
 */
final class CosSimulation {
  private static final String TOKENS = "tokens";
  private static final int MAX_DRAIN_TICKS = 100_000;

  /** A token or marker on a link. */
  private record Message(long receiveTime, long seq, boolean marker, long value) {}

  private final List<String> names; // byte-wise sorted; index = engine node id
  private final Map<String, Integer> index = new TreeMap<>();
  private final long[] delays;
  private int nextDelay;
  private long time;
  private final long[] tokens;
  private final SnapshotEngine[] engines;

  /** links.get(src) : dst index → FIFO queue, iterated in byte-wise destination order. */
  private final List<SortedMap<Integer, ArrayDeque<Message>>> links = new ArrayList<>();

  private final List<Map<Long, LocalSnapshot>> completed = new ArrayList<>();
  private final long[] nextOffset;
  private int snapshotsStarted;

  CosSimulation(CaseFiles.Topology topology, long[] delays) {
    this.names = new ArrayList<>(topology.tokens().keySet());
    Collections.sort(names); // String order is byte-wise for these ASCII ids
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    this.delays = delays;
    int n = names.size();
    this.tokens = new long[n];
    this.engines = new SnapshotEngine[n];
    this.nextOffset = new long[n * n];
    List<List<Lane>> in = new ArrayList<>();
    List<List<Lane>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tokens[i] = topology.tokens().get(names.get(i));
      links.add(new TreeMap<>());
      completed.add(new TreeMap<>());
      in.add(new ArrayList<>());
      out.add(new ArrayList<>());
    }
    for (String[] l : topology.links()) {
      int s = index.get(l[0]);
      int d = index.get(l[1]);
      if (!links.get(s).containsKey(d)) {
        links.get(s).put(d, new ArrayDeque<>());
        out.get(s).add(Lane.of(d));
        in.get(d).add(Lane.of(s));
      }
    }
    for (int i = 0; i < n; i++) {
      final int self = i;
      engines[i] =
          new SnapshotEngine(
              i,
              in.get(i),
              out.get(i),
              () -> new TreeMap<>(Map.of(TOKENS, tokens[self])),
              new SnapshotEngine.Outbox() {
                @Override
                public void sendMarker(Lane to, long seq, long snapshotId, ChannelCounters sent) {
                  enqueue(self, to.node(), seq, true, snapshotId);
                }

                @Override
                public void completed(LocalSnapshot snapshot) {
                  completed.get(self).put(snapshot.snapshotId(), snapshot);
                }
              },
              true);
    }
  }

  /** Runs the script, then ticks until every snapshot is complete everywhere, then 6 more. */
  void run(List<CaseFiles.Event> events) {
    for (CaseFiles.Event e : events) {
      switch (e.kind()) {
        case "send" -> send(e);
        case "snapshot" -> {
          int node = node(e.a(), e);
          long id = snapshotsStarted++;
          engines[node].onRequest(id, time, time);
        }
        case "tick" -> {
          for (long i = 0; i < e.n(); i++) {
            tick();
          }
        }
        default ->
            throw new CaseFormatException("line " + e.line() + ": unknown event " + e.kind());
      }
    }
    int guard = 0;
    while (!allComplete()) {
      if (++guard > MAX_DRAIN_TICKS) {
        throw new IllegalStateException(
            "snapshots did not complete within " + MAX_DRAIN_TICKS + " ticks");
      }
      tick();
    }
    for (int i = 0; i < 6; i++) {
      tick();
    }
  }

  /** Snapshot {@code id} as recorded: node counts by name, and channel "src dst" → tokens. */
  CaseFiles.Snap result(long id) {
    SortedMap<String, Long> counts = new TreeMap<>();
    SortedMap<String, List<Long>> channels = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      LocalSnapshot s = completed.get(i).get(id);
      if (s == null) {
        continue;
      }
      counts.put(names.get(i), s.balances().get(TOKENS));
      for (ChannelSnapshot c : s.channels()) {
        if (c.messages().isEmpty()) {
          continue;
        }
        List<Long> tokensOnChannel = new ArrayList<>();
        for (RecordedMessage m : c.messages()) {
          tokensOnChannel.add(m.amount());
        }
        channels.put(names.get(c.from()) + " " + names.get(c.to()), tokensOnChannel);
      }
    }
    return new CaseFiles.Snap(id, counts, channels);
  }

  int snapshotsStarted() {
    return snapshotsStarted;
  }

  private void send(CaseFiles.Event e) {
    int a = node(e.a(), e);
    int b = node(e.b(), e);
    if (!links.get(a).containsKey(b)) {
      throw new CaseFormatException(
          "events line " + e.line() + ": no link " + e.a() + " -> " + e.b());
    }
    if (e.n() <= 0 || tokens[a] < e.n()) {
      throw new CaseFormatException(
          "events line "
              + e.line()
              + ": "
              + e.a()
              + " has "
              + tokens[a]
              + " tokens, cannot send "
              + e.n());
    }
    tokens[a] -= e.n();
    enqueue(a, b, engines[a].nextTransferSeq(Lane.of(b)), false, e.n());
  }

  private void enqueue(int from, int to, long seq, boolean marker, long value) {
    long d = delays[nextDelay % delays.length];
    nextDelay++;
    links.get(from).get(to).addLast(new Message(time + 1 + d, seq, marker, value));
  }

  private void tick() {
    time++;
    for (int src = 0; src < names.size(); src++) {
      for (Map.Entry<Integer, ArrayDeque<Message>> link : links.get(src).entrySet()) {
        Message head = link.getValue().peekFirst();
        if (head != null && head.receiveTime() <= time) {
          link.getValue().pollFirst();
          deliver(src, link.getKey(), head);
          break;
        }
      }
    }
  }

  private void deliver(int from, int to, Message m) {
    int channel = from * names.size() + to;
    long offset = nextOffset[channel]++;
    Outcome o;
    if (m.marker()) {
      o = engines[to].onMarker(Lane.of(from), m.seq(), offset, m.value(), time);
    } else {
      o = engines[to].onTransfer(Lane.of(from), m.seq(), offset, m.value());
      if (!o.isFifoViolation()) {
        tokens[to] += m.value();
      }
    }
    if (o.isFifoViolation()) {
      throw new IllegalStateException(
          "FIFO violation on " + names.get(from) + "->" + names.get(to) + ": " + o);
    }
  }

  private boolean allComplete() {
    for (int i = 0; i < names.size(); i++) {
      for (long id = 0; id < snapshotsStarted; id++) {
        if (!completed.get(i).containsKey(id)) {
          return false;
        }
      }
    }
    return true;
  }

  private int node(String name, CaseFiles.Event e) {
    Integer i = index.get(name);
    if (i == null) {
      throw new CaseFormatException("events line " + e.line() + ": unknown node " + name);
    }
    return i;
  }
}
