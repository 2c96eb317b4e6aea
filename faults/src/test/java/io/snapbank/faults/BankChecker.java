package io.snapbank.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Checks a quiet bank from its logs alone, with its own reading of the records (no decoder, rule or
 * verdict of the bank's code): no open transaction, nothing quarantined, every channel record well
 * formed with sequence numbers 1..n per lane, no transfer id twice, each node's balances re-derived
 * from the genesis, its committed sends and the credits its consumer group committed past equal to
 * its last checkpoint (and its send and receive counters), balances plus unconsumed transfers equal
 * to the genesis total, every requested snapshot reported and none a VIOLATION, the final snapshot
 * CONSISTENT.
 */
final class BankChecker {
  private static final int SHOWN = 5;
  private final LogReader reader;
  private final String prefix;
  private final List<String> failures = new ArrayList<>();
  private final Map<String, String> transferIds = new HashMap<>();
  private final List<Credit> transfers = new ArrayList<>();
  private final Map<String, Integer> owner = new HashMap<>();
  private int lanes = 1;

  /** A committed transfer as read: its channel partition and offset, accounts and amount. */
  private record Credit(
      int sender, int receiver, int partition, long offset, String from, String to, long amount) {}

  BankChecker(LogReader reader) {
    this.reader = reader;
    this.prefix = reader.prefix();
  }

  /**
   * Checks everything; {@code finalSnapshot} is the id whose report must be CONSISTENT (-1: none).
   */
  Verdict check(long finalSnapshot) throws Exception {
    for (String open : reader.openPartitions()) {
      fail("open transaction: " + open);
    }
    List<TopicPartition> all = reader.allPartitions();
    Map<TopicPartition, Long> ends = reader.ends(all, IsolationLevel.READ_COMMITTED);
    for (LogRecord q : reader.read(prefix + ".quarantine", ends)) {
      fail(
          "quarantined at "
              + q.where()
              + ": "
              + (q.value() == null
                  ? q.decodeError()
                  : q.value().get("reason")
                      + " "
                      + q.value().get("sourceTopic")
                      + "/"
                      + q.value().get("sourcePartition")
                      + "@"
                      + q.value().get("sourceOffset")
                      + " "
                      + q.value().get("detail")));
    }
    GenericRecord genesis = last(reader.read(prefix + ".genesis", ends));
    if (genesis == null) {
      fail("no genesis record");
      return new Verdict(failures, "no bank");
    }
    int nodes = (Integer) genesis.get("nodes");
    long total = (Long) genesis.get("total");
    lanes = (Integer) genesis.get("channelPartitions");
    Map<String, Long> opening = new HashMap<>();
    for (Object o : (List<?>) genesis.get("accounts")) {
      GenericRecord a = (GenericRecord) o;
      owner.put(a.get("account").toString(), (Integer) a.get("nodeId"));
      opening.put(a.get("account").toString(), (Long) a.get("balance"));
    }
    long markers = 0;
    Map<Integer, Map<String, Long>> lastSeq = new HashMap<>();
    for (int i = 0; i < nodes; i++) {
      lastSeq.put(i, new HashMap<>());
      markers += readChannels(i, ends, lastSeq.get(i));
    }
    Map<Integer, GenericRecord> checkpoints = new HashMap<>();
    for (LogRecord r : reader.read(prefix + ".node-state", ends)) {
      if (r.value() == null) {
        fail("undecodable checkpoint at " + r.where() + ": " + r.decodeError());
      } else {
        checkpoints.put((Integer) r.value().get("nodeId"), r.value());
      }
    }
    Map<String, Long> changelog = new HashMap<>();
    for (LogRecord r : reader.read(prefix + ".balances", ends)) {
      if (r.value() == null) {
        fail("undecodable balance change at " + r.where() + ": " + r.decodeError());
      } else {
        changelog.put(r.value().get("account").toString(), (Long) r.value().get("balance"));
      }
    }
    long unconsumed = 0;
    long unconsumedCount = 0;
    long balances = 0;
    for (int node = 0; node < nodes; node++) {
      final int n = node;
      Map<TopicPartition, Long> consumed = reader.committedOffsets(prefix + "-node-" + n);
      Map<String, Long> derived = new TreeMap<>();
      opening.forEach(
          (account, amount) -> {
            if (owner.get(account) == n) {
              derived.put(account, amount);
            }
          });
      Map<Integer, long[]> sent = new HashMap<>();
      Map<Integer, long[]> received = new HashMap<>();
      for (Credit t : transfers) {
        if (t.sender() == n) {
          derived.merge(t.from(), -t.amount(), Long::sum);
          add(sent, t.receiver(), t.amount());
        }
        if (t.receiver() == n) {
          TopicPartition tp =
              new TopicPartition(prefix + ".transfers." + t.sender(), t.partition());
          if (t.offset() < consumed.getOrDefault(tp, 0L)) {
            derived.merge(t.to(), t.amount(), Long::sum);
            add(received, t.sender(), t.amount());
          } else {
            unconsumed += t.amount();
            unconsumedCount++;
          }
        }
      }
      GenericRecord cp = checkpoints.get(n);
      if (cp == null) {
        fail("node " + n + " has no checkpoint");
        continue;
      }
      Map<String, Long> recorded = new TreeMap<>();
      for (Object o : (List<?>) cp.get("balances")) {
        GenericRecord b = (GenericRecord) o;
        recorded.put(b.get("account").toString(), (Long) b.get("balance"));
        balances += (Long) b.get("balance");
      }
      long derivedTotal = derived.values().stream().mapToLong(Long::longValue).sum();
      long recordedTotal = recorded.values().stream().mapToLong(Long::longValue).sum();
      if (derivedTotal != recordedTotal || !recorded.keySet().equals(derived.keySet())) {
        fail(
            "node "
                + n
                + ": genesis, committed sends and consumed credits give "
                + derivedTotal
                + " on "
                + derived.keySet()
                + ", its last checkpoint (transaction "
                + cp.get("transaction")
                + ") "
                + recordedTotal
                + " on "
                + recorded.keySet());
      }
      for (Map.Entry<String, Long> b : recorded.entrySet()) {
        Long logged = changelog.get(b.getKey());
        if (!b.getValue().equals(logged == null ? opening.get(b.getKey()) : logged)) {
          fail(
              "account "
                  + b.getKey()
                  + ": "
                  + b.getValue()
                  + " in node "
                  + n
                  + "'s last checkpoint, "
                  + logged
                  + " last in the balances changelog");
        }
      }
      compareCounts(n, "sent", "to", sent, cp.get("sent"));
      compareCounts(n, "received", "from", received, cp.get("received"));
      compareOutSeq(n, lastSeq.get(n), cp);
    }
    if (balances + unconsumed != total) {
      fail(
          "checkpoint balances "
              + balances
              + " + unconsumed transfers "
              + unconsumed
              + " = "
              + (balances + unconsumed)
              + ", genesis total "
              + total);
    }
    String snapshots = checkSnapshots(ends, finalSnapshot);
    String figures =
        String.format(
            "transfers=%d markers=%d unconsumed=%d total=%d %s",
            transfers.size(), markers, unconsumedCount, total, snapshots);
    return new Verdict(failures, figures);
  }

  /** Reads the channels of sender {@code i}; returns the markers seen. */
  private long readChannels(int i, Map<TopicPartition, Long> ends, Map<String, Long> lastSeq) {
    long markers = 0;
    for (LogRecord r : reader.read(prefix + ".transfers." + i, ends)) {
      GenericRecord v = r.value();
      if (v == null) {
        fail("undecodable channel record at " + r.where() + ": " + r.decodeError());
        continue;
      }
      int sender = (Integer) v.get("sender");
      int receiver = (Integer) v.get("receiver");
      int lane = (Integer) v.get("lane");
      if (sender != i || receiver * lanes + lane != r.partition()) {
        fail(
            "record at "
                + r.where()
                + " claims channel "
                + sender
                + "->"
                + receiver
                + " lane "
                + lane);
      }
      String laneKey = r.partition() + "";
      long expected = lastSeq.getOrDefault(laneKey, 0L) + 1;
      long seq = (Long) v.get("seq");
      String seqFailure =
          seq == expected
              ? null
              : "channel "
                  + i
                  + "->"
                  + receiver
                  + " lane "
                  + lane
                  + ": seq "
                  + seq
                  + " at "
                  + r.where()
                  + ", expected "
                  + expected;
      lastSeq.put(laneKey, seq);
      GenericRecord body = (GenericRecord) v.get("body");
      if (!body.getSchema().getName().equals("Transfer")) {
        markers++;
        failIf(seqFailure);
        continue;
      }
      if (Boolean.TRUE.equals(v.get("final"))) {
        failIf(seqFailure);
        continue;
      }
      String id = body.get("transferId").toString();
      String before = transferIds.putIfAbsent(id, r.where());
      if (before != null) {
        fail("transfer id " + id + " committed twice: " + before + " and " + r.where());
      }
      failIf(seqFailure);
      long amount = (Long) body.get("amount");
      String from = body.get("fromAccount").toString();
      String to = body.get("toAccount").toString();
      if (amount <= 0
          || !Integer.valueOf(i).equals(owner.get(from))
          || !Integer.valueOf(receiver).equals(owner.get(to))) {
        fail("transfer " + id + " at " + r.where() + " moves " + amount + " " + from + "->" + to);
      }
      transfers.add(new Credit(i, receiver, r.partition(), r.offset(), from, to, amount));
    }
    return markers;
  }

  private void compareCounts(
      int n, String field, String dir, Map<Integer, long[]> derived, Object recorded) {
    Map<Integer, long[]> cp = new HashMap<>();
    for (Object o : (List<?>) recorded) {
      GenericRecord c = (GenericRecord) o;
      cp.put((Integer) c.get("peer"), new long[] {(Long) c.get("count"), (Long) c.get("sum")});
    }
    for (int peer : union(derived.keySet(), cp.keySet())) {
      long[] d = derived.getOrDefault(peer, new long[2]);
      long[] c = cp.getOrDefault(peer, new long[2]);
      if (d[0] != c[0] || d[1] != c[1]) {
        fail(
            String.format(
                "node %d %s %s %d: %d transfers (%d) in the log, %d (%d) in its checkpoint",
                n, field, dir, peer, d[0], d[1], c[0], c[1]));
      }
    }
  }

  private void compareOutSeq(int n, Map<String, Long> lastSeq, GenericRecord cp) {
    Map<?, ?> outSeq = (Map<?, ?>) cp.get("outSeq");
    for (Map.Entry<String, Long> e : lastSeq.entrySet()) {
      int partition = Integer.parseInt(e.getKey());
      int receiver = partition / lanes;
      int lane = partition % lanes;
      String key = lane == 0 ? receiver + "" : receiver + "/" + lane;
      Object recorded = null;
      for (Map.Entry<?, ?> o : outSeq.entrySet()) {
        if (o.getKey().toString().equals(key)) {
          recorded = o.getValue();
        }
      }
      if (!e.getValue().equals(recorded)) {
        fail(
            "node "
                + n
                + " channel to "
                + key
                + ": last seq "
                + e.getValue()
                + " in the log, "
                + recorded
                + " in its checkpoint");
      }
    }
  }

  private String checkSnapshots(Map<TopicPartition, Long> ends, long finalSnapshot) {
    List<Long> requested = new ArrayList<>();
    for (LogRecord r : reader.read(prefix + ".snapshot-requests", ends)) {
      if (r.value() == null) {
        fail("undecodable snapshot request at " + r.where() + ": " + r.decodeError());
      } else {
        requested.add((Long) r.value().get("snapshotId"));
      }
    }
    Map<Long, GenericRecord> reports = new HashMap<>();
    for (LogRecord r : reader.read(prefix + ".audit-reports", ends)) {
      if (r.value() == null) {
        fail("undecodable audit report at " + r.where() + ": " + r.decodeError());
      } else {
        reports.put((Long) r.value().get("snapshotId"), r.value());
      }
    }
    Map<String, Integer> byStatus = new TreeMap<>();
    int missing = 0;
    for (long id : requested) {
      GenericRecord report = reports.get(id);
      if (report == null) {
        if (missing++ < SHOWN) {
          fail("snapshot " + id + " was requested and has no audit report");
        }
        continue;
      }
      String status = report.get("status").toString();
      byStatus.merge(status, 1, Integer::sum);
      if (status.equals("VIOLATION")) {
        fail("snapshot " + id + " is a VIOLATION: " + report.get("problems"));
      }
    }
    if (finalSnapshot >= 0) {
      GenericRecord f = reports.get(finalSnapshot);
      String status = f == null ? "no report" : f.get("status").toString();
      if (!status.equals("CONSISTENT")) {
        fail("final snapshot " + finalSnapshot + ": " + status);
      }
    }
    return String.format(
        "snapshots requested=%d consistent=%d aborted=%d violations=%d unreported=%d",
        requested.size(),
        byStatus.getOrDefault("CONSISTENT", 0),
        byStatus.getOrDefault("ABORTED", 0),
        byStatus.getOrDefault("VIOLATION", 0),
        missing);
  }

  private void failIf(String reason) {
    if (reason != null) {
      failures.add(reason);
    }
  }

  private void fail(String reason) {
    failures.add(reason);
  }

  private static void add(Map<Integer, long[]> m, int peer, long amount) {
    long[] c = m.computeIfAbsent(peer, p -> new long[2]);
    c[0]++;
    c[1] += amount;
  }

  private static java.util.Set<Integer> union(java.util.Set<Integer> a, java.util.Set<Integer> b) {
    java.util.Set<Integer> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static GenericRecord last(List<LogRecord> records) {
    GenericRecord v = null;
    for (LogRecord r : records) {
      v = r.value() != null ? r.value() : v;
    }
    return v;
  }
}
