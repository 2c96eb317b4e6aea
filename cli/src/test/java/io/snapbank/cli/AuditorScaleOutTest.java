package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.app.StreamsSettings;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.node.kafka.BankFixture;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import io.snapbank.schemas.topic.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several auditors ({@code snapbank auditor} processes of one application id) sharing a bank whose
 * snapshot reports are spread over several partitions.
 */
class AuditorScaleOutTest {
  private static final int PARTITIONS = 4;

  @Test
  void when_report_partitions_is_out_of_range_or_not_a_number_then_init_refuses_in_one_line() {
    String prefix = "scaleout-bad";
    String bootstrap = SharedBroker.bootstrap();
    CliTest.Run zero =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "0");
    assertEquals(1, zero.code(), zero.out() + zero.err());
    assertEquals(1, zero.err().strip().lines().count(), zero.err());
    assertTrue(zero.err().contains("report partitions must be 1..64, not 0"), zero.err());
    CliTest.Run many =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "65");
    assertEquals(1, many.code(), many.out() + many.err());
    assertTrue(many.err().contains("not 65"), many.err());
    CliTest.Run word =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "four");
    assertEquals(2, word.code(), word.out() + word.err());
    assertTrue(word.err().contains("Invalid value for option '--report-partitions'"), word.err());
    assertFalse(word.err().contains("\tat "), word.err());
    assertTrue(
        BankSetup.readGenesis(bootstrap, BankTopics.of(prefix), Duration.ofSeconds(10)).isEmpty(),
        "no bank was created");
  }

  @Test
  void when_init_runs_again_with_another_report_partition_count_then_the_bank_is_kept() {
    String prefix = "scaleout-again";
    String bootstrap = SharedBroker.bootstrap();
    CliTest.Run first =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "2");
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("snapshot reports over 2 partitions"), first.out());
    CliTest.Run again =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "3");
    assertEquals(1, again.code(), again.out() + again.err());
    assertEquals(1, again.err().strip().lines().count(), again.err());
    assertTrue(again.err().contains("already exists with 2 report partitions"), again.err());
    assertEquals(
        2,
        BankSetup.readGenesis(bootstrap, BankTopics.of(prefix), Duration.ofSeconds(10))
            .orElseThrow()
            .getReportPartitions());
  }

  @Test
  void
      when_the_reports_topic_disagrees_with_the_genesis_then_init_and_the_auditor_say_so_in_one_line(
          @TempDir Path tmp) throws Exception {
    String prefix = "scaleout-mismatch";
    String bootstrap = SharedBroker.bootstrap();
    BankTopics topics = BankTopics.of(prefix);
    try (Admin admin = BankSetup.admin(bootstrap)) {
      admin
          .createTopics(List.of(new NewTopic(topics.snapshotReports().name(), 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    CliTest.Run init =
        CliTest.run(
            "init", "--bootstrap", bootstrap, "--prefix", prefix, "--report-partitions", "2");
    assertEquals(1, init.code(), init.out() + init.err());
    assertEquals(1, init.err().strip().lines().count(), init.err());
    assertTrue(
        init.err().contains("has 2 report partition(s) in its genesis but topic"), init.err());
    Process auditor = startAuditor(bootstrap, prefix, tmp.resolve("state"), tmp, Optional.empty());
    assertTrue(auditor.waitFor(120, TimeUnit.SECONDS), "the auditor stops by itself");
    String log = Files.readString(tmp.resolve("state.log"));
    assertEquals(1, auditor.exitValue(), log);
    assertTrue(
        log.contains(
            "error: the auditor cannot start: bank '"
                + prefix
                + "' has 2 report partition(s) in its genesis but topic "
                + topics.snapshotReports().name()
                + " has 3"),
        log);
    assertFalse(log.contains("\tat "), log);
  }

  @Test
  void when_one_of_two_auditors_is_killed_under_load_then_every_snapshot_is_reported_once(
      @TempDir Path tmp) throws Exception {
    String prefix = "scaleout";
    String bootstrap = SharedBroker.bootstrap();
    BankGenesis genesis = BankSetup.genesis(3, 4, 10_000, 0);
    genesis.setReportPartitions(PARTITIONS);
    try (BankFixture bank = new BankFixture(bootstrap, BankTopics.of(prefix), genesis)) {
      BankTopics topics = bank.topics;
      String reportsTopic = topics.snapshotReports().name();
      for (int i = 0; i < 3; i++) {
        bank.start(bank.config(i, 200));
      }
      Path stateA = tmp.resolve("state-a");
      Path stateB = tmp.resolve("state-b");
      Optional<String> every = Optional.of("400ms");
      Process a = startAuditor(bootstrap, prefix, stateA, tmp, every);
      Process b = startAuditor(bootstrap, prefix, stateB, tmp, every);
      String group = prefix + "-auditor";
      String memberA = group + "-" + StreamsSettings.instance(config(bootstrap, prefix, stateA));
      String memberB = group + "-" + StreamsSettings.instance(config(bootstrap, prefix, stateB));

      Map<String, Set<Integer>> shared =
          awaitAssignment(
              bootstrap,
              group,
              reportsTopic,
              m -> m.size() == 2 && m.values().stream().allMatch(s -> !s.isEmpty()),
              tmp);
      Set<Integer> ofA = owned(shared, memberA);
      assertFalse(ofA.isEmpty(), "auditor a runs audit tasks: " + shared);
      assertFalse(owned(shared, memberB).isEmpty(), "auditor b runs audit tasks: " + shared);
      awaitReports(bootstrap, topics, r -> r.size() >= 5, "reports before the kill", tmp);

      a.destroyForcibly(); // SIGKILL, mid-run
      assertTrue(a.waitFor(30, TimeUnit.SECONDS));
      long killedAt = System.currentTimeMillis();
      Map<String, Set<Integer>> after =
          awaitAssignment(
              bootstrap,
              group,
              reportsTopic,
              m -> m.size() == 1 && m.values().iterator().next().size() == PARTITIONS,
              tmp);
      assertEquals(Set.of(memberB), after.keySet(), "the survivor runs every audit task");
      // the survivor reports snapshots of the killed auditor's partitions requested after the kill
      awaitReports(
          bootstrap,
          topics,
          reports ->
              ofA.stream()
                  .allMatch(
                      p ->
                          reports.stream()
                              .anyMatch(
                                  r ->
                                      r.getSnapshotId() > killedAt
                                          && r.getStatus() == AuditStatus.CONSISTENT
                                          && ReportPartitions.of(r.getSnapshotId(), PARTITIONS)
                                              == p)),
          "snapshots of partitions " + ofA + " requested after the kill",
          tmp);

      // quiesce: the survivor stops cleanly and comes back without a schedule, to finish what is
      // pending; no request is written after that
      b.destroy();
      assertTrue(b.waitFor(60, TimeUnit.SECONDS));
      b = startAuditor(bootstrap, prefix, stateB, tmp, Optional.empty());
      try {
        long requestsEnd = endOffsets(bootstrap, topics.snapshotRequests().name()).get(0);
        List<SnapshotRequest> requests =
            readTo(bootstrap, topics.snapshotRequests(), Map.of(0, requestsEnd));
        TreeSet<Long> requested = new TreeSet<>();
        requests.forEach(r -> requested.add(r.getSnapshotId()));
        awaitReports(
            bootstrap,
            topics,
            reports ->
                reports.stream().map(AuditReport::getSnapshotId).toList().containsAll(requested),
            "a report of each of the " + requested.size() + " requested snapshots",
            tmp);
        Map<String, Map<Integer, Long>> inputs = new HashMap<>();
        inputs.put(reportsTopic, endOffsets(bootstrap, reportsTopic));
        String routed = new AuditorTopics(topics).inputs();
        inputs.put(routed, endOffsets(bootstrap, routed));
        inputs.put(topics.snapshotRequests().name(), Map.of(0, requestsEnd));
        awaitConsumed(bootstrap, group, inputs, tmp);
        Map<Integer, Long> reportsEnd = endOffsets(bootstrap, topics.auditReports().name());
        List<AuditReport> all = readTo(bootstrap, topics.auditReports(), reportsEnd);

        Map<Long, Integer> count = new TreeMap<>();
        for (AuditReport r : all) {
          count.merge(r.getSnapshotId(), 1, Integer::sum);
          assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r + logs(tmp));
        }
        assertEquals(requested, count.keySet(), "a report of every requested snapshot");
        count.forEach((id, n) -> assertEquals(1, n, "snapshot " + id + " reported once"));
        SnapshotRequest previous = null;
        for (SnapshotRequest r : requests) {
          assertEquals(group, r.getRequestedBy(), "scheduled by the auditor: " + r);
          assertEquals(-1, r.getRetryOf(), "no retries without a change of members: " + r);
          if (previous != null) {
            assertTrue(
                r.getSnapshotId() > previous.getSnapshotId(),
                "request ids strictly increase: " + requests);
            // one schedule writes the next request a period after the last one it wrote; two
            // schedules would interleave closer than that
            assertTrue(
                r.getRequestedAtMs() - previous.getRequestedAtMs() >= 400,
                "one schedule, not two: " + previous + " then " + r);
          }
          previous = r;
        }
        assertTrue(
            requests.size() >= 5 + ofA.size(), "requests before and after the kill: " + requests);
        System.out.printf(
            "%d snapshots requested and reported once each; killed auditor's partitions %s%n",
            requests.size(), ofA);
        for (ConsumerRecord<byte[], LocalSnapshotReport> r :
            readRecordsTo(
                bootstrap, topics.snapshotReports(), endOffsets(bootstrap, reportsTopic))) {
          assertEquals(
              ReportPartitions.of(r.value().getSnapshotId(), PARTITIONS),
              r.partition(),
              "a node's report is in its snapshot's partition");
        }
      } finally {
        b.destroy();
        b.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private static AuditorConfig config(String bootstrap, String prefix, Path state) {
    return AuditorConfig.of(bootstrap, prefix, state);
  }

  private static Process startAuditor(
      String bootstrap, String prefix, Path state, Path logs, Optional<String> requestPeriod)
      throws Exception {
    return NodeProcesses.startAuditor(
        bootstrap,
        prefix,
        state,
        state.resolveSibling(state.getFileName() + "-snapshots"),
        "90s",
        requestPeriod.map(p -> List.of("--request-period", p)).orElse(List.of()),
        logs.resolve(state.getFileName() + ".log"));
  }

  private static String logs(Path dir) throws Exception {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".log")) {
          String text = Files.readString(f);
          out.append("\n--- ")
              .append(f.getFileName())
              .append(":\n")
              .append(text.substring(Math.max(0, text.length() - 4000)));
        }
      }
    }
    return out.toString();
  }

  private static Set<Integer> owned(Map<String, Set<Integer>> members, String instance) {
    Set<Integer> out = new TreeSet<>();
    members.forEach(
        (id, parts) -> {
          if (id.startsWith(instance)) {
            out.addAll(parts);
          }
        });
    return out;
  }

  /**
   * Waits until the report partitions each member (by its static instance id, without the thread
   * suffix) of the auditor group holds satisfy {@code done}; returns them.
   */
  private static Map<String, Set<Integer>> awaitAssignment(
      String bootstrap,
      String group,
      String reportsTopic,
      Predicate<Map<String, Set<Integer>>> done,
      Path logs)
      throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    Map<String, Set<Integer>> members = Map.of();
    try (Admin admin = BankSetup.admin(bootstrap)) {
      while (System.currentTimeMillis() < deadline) {
        ConsumerGroupDescription d;
        try {
          d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
          Thread.sleep(200); // not formed yet
          continue;
        }
        members = new TreeMap<>();
        for (MemberDescription m : d.members()) {
          String id = m.groupInstanceId().orElse(m.consumerId());
          String instance = id.replaceFirst("-\\d+$", "");
          Set<Integer> parts = members.computeIfAbsent(instance, k -> new TreeSet<>());
          for (TopicPartition tp : m.assignment().topicPartitions()) {
            if (tp.topic().equals(reportsTopic)) {
              parts.add(tp.partition());
            }
          }
        }
        if (done.test(members)) {
          return members;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("auditor group never reached the assignment: " + members + logs(logs));
  }

  private static void awaitReports(
      String bootstrap,
      BankTopics topics,
      Predicate<List<AuditReport>> done,
      String what,
      Path logs)
      throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    Topic<String, AuditReport> topic = topics.auditReports();
    List<AuditReport> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      TopicPartition tp = new TopicPartition(topic.name(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      while (!done.test(read)) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("never saw " + what + "; read " + read.size() + logs(logs));
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          read.add(topic.decode(r.value()));
        }
      }
    }
  }

  /** The end offsets (read_committed) of every partition of {@code topic} now. */
  private static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      Map<Integer, Long> out = new TreeMap<>();
      c.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, o) -> out.put(tp.partition(), o));
      return out;
    }
  }

  private static <V> List<V> readTo(
      String bootstrap, Topic<String, V> topic, Map<Integer, Long> end) {
    List<V> out = new ArrayList<>();
    readRecordsTo(bootstrap, topic, end).forEach(r -> out.add(r.value()));
    return out;
  }

  /** Every record of {@code topic} below the {@code end} offset of its partition, by partition. */
  private static <V> List<ConsumerRecord<byte[], V>> readRecordsTo(
      String bootstrap, Topic<String, V> topic, Map<Integer, Long> end) {
    List<ConsumerRecord<byte[], V>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(bootstrap, null, Map.of())) {
      for (Map.Entry<Integer, Long> e : end.entrySet()) {
        TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long deadline = System.currentTimeMillis() + 60_000;
        while (c.position(tp) < e.getValue()) {
          if (System.currentTimeMillis() > deadline) {
            throw new AssertionError("cannot read " + tp + " to offset " + e.getValue());
          }
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
            if (r.offset() < e.getValue()) {
              V v = topic.decode(r.value());
              out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), v));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Waits until the auditor group has committed {@code ends} (topic → partition → end offset): with
   * exactly-once, everything it wrote for those records is then committed too.
   */
  private static void awaitConsumed(
      String bootstrap, String group, Map<String, Map<Integer, Long>> ends, Path logs)
      throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    try (Admin admin = BankSetup.admin(bootstrap)) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done = true;
        for (Map.Entry<String, Map<Integer, Long>> t : ends.entrySet()) {
          for (Map.Entry<Integer, Long> p : t.getValue().entrySet()) {
            OffsetAndMetadata o = committed.get(new TopicPartition(t.getKey(), p.getKey()));
            done &= p.getValue() == 0 || (o != null && o.offset() >= p.getValue());
          }
        }
        if (done) {
          return;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError(
              "the auditors did not consume " + ends + ": " + committed + logs(logs));
        }
        Thread.sleep(100);
      }
    }
  }
}
