package io.snapbank.auditor.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.avro.PendingSnapshotMeta;
import io.snapbank.auditor.avro.RequestScheduleState;
import io.snapbank.auditor.config.AuditorConfig;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.DeepAuditResult;
import io.snapbank.auditor.core.EpochFixtures;
import io.snapbank.auditor.core.ViolationReason;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.EpochKind;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditorTopologyTest {
  private static final BankTopics TOPICS = BankTopics.of("t");
  private static final AuditorTopics OWN = new AuditorTopics(TOPICS);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path state;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> reports;
  private TestInputTopic<String, byte[]> requests;
  private TestInputTopic<String, byte[]> genesis;
  private TestInputTopic<String, byte[]> deepAudits;
  private TestInputTopic<String, byte[]> epochs;
  private TestOutputTopic<String, byte[]> audits;
  private TestOutputTopic<String, byte[]> aborts;
  private TestOutputTopic<String, byte[]> quarantine;

  @BeforeEach
  void setUp() {
    start(Duration.ZERO);
  }

  private void start(Duration requestPeriod) {
    if (driver != null) {
      driver.close();
    }
    AuditorConfig config =
        AuditorConfig.of("unused:9092", "t", state)
            .withTimeout(Duration.ofSeconds(10))
            .withRequestPeriod(requestPeriod);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-test");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(AuditorTopology.build(config, TOPICS), p, START);
    var s = Serdes.String();
    var b = Serdes.ByteArray();
    reports =
        driver.createInputTopic(TOPICS.snapshotReports().name(), s.serializer(), b.serializer());
    requests =
        driver.createInputTopic(TOPICS.snapshotRequests().name(), s.serializer(), b.serializer());
    genesis = driver.createInputTopic(TOPICS.genesis().name(), s.serializer(), b.serializer());
    deepAudits = driver.createInputTopic(OWN.deepAudits().name(), s.serializer(), b.serializer());
    epochs = driver.createInputTopic(TOPICS.epochs().name(), s.serializer(), b.serializer());
    audits =
        driver.createOutputTopic(TOPICS.auditReports().name(), s.deserializer(), b.deserializer());
    aborts =
        driver.createOutputTopic(
            TOPICS.snapshotAborts().name(), s.deserializer(), b.deserializer());
    quarantine =
        driver.createOutputTopic(TOPICS.quarantine().name(), s.deserializer(), b.deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void genesis3() {
    genesis3(1);
  }

  /** The genesis of a bank of 3 nodes whose reports are over {@code reportPartitions}. */
  private void genesis3(int reportPartitions) {
    List<GenesisAccount> accounts = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      accounts.add(new GenesisAccount(n, "n" + n + "-a000", 100L));
    }
    genesis.pipeInput(
        "genesis",
        TOPICS
            .genesis()
            .encode(
                new BankGenesis(
                    3,
                    300L,
                    accounts,
                    0L,
                    "",
                    1,
                    io.snapbank.schemas.ChannelOrder.FIFO,
                    reportPartitions)));
  }

  /**
   * Node n's report; channels from every other node, with {@code inFlight} on the channel from the
   * previous node.
   */
  private static LocalSnapshotReport report(long id, int node, long balance, long inFlight) {
    List<ChannelState> chans = new ArrayList<>();
    for (int from = 0; from < 3; from++) {
      if (from != node) {
        boolean carries = from == (node + 2) % 3 && inFlight > 0;
        chans.add(
            new ChannelState(
                from,
                node,
                10L,
                carries ? 12L : 10L,
                carries ? 1L : 0L,
                carries ? inFlight : 0L,
                -1L,
                0,
                -1L));
      }
    }
    return new LocalSnapshotReport(
        id,
        node,
        1000L,
        1001L,
        1002L,
        List.of(new AccountBalance("n" + node + "-a000", balance)),
        chans,
        List.of(),
        List.of(),
        0L,
        0L);
  }

  private void pipe(LocalSnapshotReport r) {
    reports.pipeInput(Long.toString(r.getSnapshotId()), TOPICS.snapshotReports().encode(r));
  }

  /**
   * Snapshot {@code id}'s request as the bank's requester writes it (no epoch, every node
   * initiating), made at {@code requestedAtMs} and retrying {@code retryOf} (-1: none).
   */
  private void request(long id, long requestedAtMs, long retryOf) {
    requests.pipeInput(
        Long.toString(id),
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(id, List.of(), requestedAtMs, "test", -1L, retryOf)));
  }

  /** Snapshot {@code id}'s request, made when its reports say (1000): the usual first input. */
  private void request(long id) {
    request(id, 1000L, -1L);
  }

  /** The snapshot requests the topology writes. */
  private TestOutputTopic<String, byte[]> requestsWritten() {
    return driver.createOutputTopic(
        TOPICS.snapshotRequests().name(),
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  private long counter(String name) {
    Long v = driver.<String, Long>getKeyValueStore(AuditorTopology.COUNTERS_STORE).get(name);
    return v == null ? 0 : v;
  }

  private List<QuarantineEnvelope> quarantined() {
    List<QuarantineEnvelope> out = new ArrayList<>();
    for (byte[] v : quarantine.readValuesToList()) {
      out.add(TOPICS.quarantine().decode(v));
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private List<AuditReport> auditReports() {
    List<AuditReport> out = new ArrayList<>();
    for (byte[] v : audits.readValuesToList()) {
      out.add(TOPICS.auditReports().decode(v));
    }
    return out;
  }

  @Test
  void when_all_three_nodes_report_then_one_consistent_audit_with_totals() {
    genesis3();
    request(7);
    pipe(report(7, 0, 100, 0));
    pipe(report(7, 1, 90, 0));
    assertTrue(audits.isEmpty(), "no report before every node reported");
    pipe(report(7, 2, 100, 10));
    TestRecord<String, byte[]> rec = audits.readRecord();
    assertEquals("7", rec.key());
    assertTrue(audits.isEmpty(), "exactly one audit report");
    AuditReport r = TOPICS.auditReports().decode(rec.value());
    assertEquals(7, r.getSnapshotId());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(300, r.getExpectedTotal());
    assertEquals(290, r.getBalancesTotal());
    assertEquals(10, r.getInFlightTotal());
    assertEquals(0, r.getDifference());
    assertEquals(3, r.getNodes().size());
    assertEquals(6, r.getChannels().size());
  }

  @Test
  void when_a_forged_report_breaks_conservation_then_violation_with_reason() {
    genesis3();
    request(8);
    pipe(report(8, 0, 100, 0));
    pipe(report(8, 1, 100, 0));
    pipe(report(8, 2, 150, 0));
    AuditReport r = auditReports().get(0);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertEquals(50, r.getDifference());
    assertTrue(r.getProblems().get(0).startsWith("CONSERVATION"), r.getProblems().toString());
  }

  @Test
  void when_a_channel_is_missing_then_violation_names_it() {
    genesis3();
    request(9);
    pipe(report(9, 0, 100, 0));
    pipe(report(9, 1, 100, 0));
    LocalSnapshotReport r2 = report(9, 2, 100, 0);
    r2.setChannels(new ArrayList<>(r2.getChannels().subList(0, 1)));
    pipe(r2);
    AuditReport r = auditReports().get(0);
    assertEquals(AuditStatus.VIOLATION, r.getStatus());
    assertTrue(
        r.getProblems().contains("CHANNEL_MISSING: channel 1->2 not recorded"),
        r.getProblems().toString());
  }

  @Test
  void
      when_a_snapshot_times_out_then_aborted_report_and_abort_published_and_late_reports_ignored() {
    genesis3();
    requests.pipeInput(
        "11",
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(11L, List.of(), 500L, "test", -1L, -1L)));
    pipe(report(11, 0, 100, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertTrue(audits.isEmpty());
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    List<AuditReport> out = auditReports();
    assertEquals(1, out.size());
    assertEquals(AuditStatus.ABORTED, out.get(0).getStatus());
    assertEquals(List.of(1, 2), out.get(0).getMissingNodes());
    assertEquals(500, out.get(0).getRequestedAtMs());
    TestRecord<String, byte[]> abortRecord = aborts.readRecord();
    assertEquals("11", abortRecord.key());
    SnapshotAbort abort = TOPICS.snapshotAborts().decode(abortRecord.value());
    assertEquals(11, abort.getSnapshotId());
    assertTrue(abort.getReason().contains("[1, 2]"), abort.getReason());
    assertTrue(aborts.isEmpty(), "one abort");
    assertEquals(1L, counter("aborted"));
    pipe(report(11, 1, 100, 0));
    pipe(report(11, 2, 100, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(20));
    assertTrue(audits.isEmpty(), "late reports of an aborted snapshot give no second report");
    assertTrue(aborts.isEmpty(), "and no second abort");
    assertEquals(2L, counter("late"));
  }

  @Test
  void when_a_report_is_duplicated_or_late_then_exactly_one_audit() {
    genesis3();
    request(12);
    pipe(report(12, 0, 100, 0));
    pipe(report(12, 0, 100, 0));
    pipe(report(12, 1, 100, 0));
    pipe(report(12, 2, 100, 0));
    pipe(report(12, 2, 100, 0));
    assertEquals(1, auditReports().size());
    assertEquals(1L, counter("duplicate"));
    assertEquals(1L, counter("late"));
    assertTrue(quarantine.isEmpty(), "duplicates are counted, not quarantined");
  }

  @Test
  void when_reports_arrive_before_the_genesis_then_the_audit_follows_the_genesis() {
    request(13);
    pipe(report(13, 0, 100, 0));
    pipe(report(13, 1, 100, 0));
    pipe(report(13, 2, 100, 0));
    assertTrue(audits.isEmpty());
    genesis3();
    assertEquals(AuditStatus.CONSISTENT, auditReports().get(0).getStatus());
  }

  @Test
  void when_a_report_cannot_be_decoded_then_it_is_quarantined_with_its_position() {
    genesis3();
    reports.pipeInput("x", new byte[] {1, 2, 3});
    TestRecord<String, byte[]> rec = quarantine.readRecord();
    QuarantineEnvelope q = TOPICS.quarantine().decode(rec.value());
    assertEquals("UNDECODABLE", q.getReason());
    assertTrue(q.getDetail().contains("BAD_HEADER"), q.getDetail());
    assertEquals(TOPICS.snapshotReports().name(), q.getSourceTopic());
    assertEquals(0, q.getSourcePartition());
    assertEquals(0L, q.getSourceOffset());
    assertEquals("auditor", q.getDetectedBy());
    assertArrayEquals(new byte[] {1, 2, 3}, bytes(q.getValue()));
    assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), bytes(q.getKey()));
    assertEquals(TOPICS.snapshotReports().name() + "/0/0", rec.key());
    assertTrue(audits.isEmpty());
    assertEquals(1L, counter("quarantined"));
  }

  /** A retry of {@code retryOf} as another audit task hands it to task 0, with its headers. */
  private static org.apache.kafka.streams.processor.api.Record<String, byte[]> retryWish(
      long retryOf) {
    SnapshotRequest wish =
        SnapshotRequest.newBuilder()
            .setSnapshotId(retryOf)
            .setInitiators(new ArrayList<>(List.of(1)))
            .setRequestedAtMs(START.toEpochMilli())
            .setEpoch(0)
            .setRetryOf(retryOf)
            .build();
    String key = Long.toString(retryOf);
    return new Origin(Origin.RETRY, -1, -1L, key)
        .stamp(
            new org.apache.kafka.streams.processor.api.Record<>(
                key, TOPICS.snapshotRequests().encode(wish), START.toEpochMilli()),
            key);
  }

  @Test
  void when_another_task_hands_over_a_retry_then_task_0_requests_it_under_a_fresh_id() {
    genesis3();
    TestOutputTopic<String, byte[]> out = requestsWritten();
    var wish = retryWish(42);
    driver
        .createInputTopic(
            OWN.inputs(), Serdes.String().serializer(), Serdes.ByteArray().serializer())
        .pipeInput(new TestRecord<>(wish.key(), wish.value(), wish.headers(), START));
    List<byte[]> written = out.readValuesToList();
    assertEquals(1, written.size());
    SnapshotRequest r = TOPICS.snapshotRequests().decode(written.get(0));
    assertEquals(42, r.getRetryOf());
    assertEquals(List.of(1), r.getInitiators());
    assertTrue(r.getSnapshotId() > 42, "a fresh id: " + r);
    assertEquals("t-auditor", r.getRequestedBy());
  }

  @Test
  void when_a_report_is_in_another_snapshots_partition_then_it_is_quarantined_as_misrouted() {
    genesis3(4); // this driver runs the task of partition 0
    long mine = 1;
    while (io.snapbank.schemas.topic.ReportPartitions.of(mine, 4) != 0) {
      mine++;
    }
    long other = 1;
    while (io.snapbank.schemas.topic.ReportPartitions.of(other, 4) == 0) {
      other++;
    }
    pipe(report(other, 0, 100, 0));
    QuarantineEnvelope q = TOPICS.quarantine().decode(quarantine.readValue());
    assertEquals("MISROUTED_REPORT", q.getReason());
    assertTrue(
        q.getDetail().contains("snapshot " + other + " belongs to report partition"),
        q.getDetail());
    complete(mine);
    AuditReport r = auditReports().get(0);
    assertEquals(mine, r.getSnapshotId());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus());
    assertTrue(quarantine.isEmpty());
  }

  @Test
  void when_a_report_carries_routing_headers_then_they_are_not_trusted() {
    genesis3();
    TestOutputTopic<String, byte[]> out = requestsWritten();
    var wish = retryWish(42);
    reports.pipeInput(new TestRecord<>(wish.key(), wish.value(), wish.headers(), START));
    assertTrue(out.isEmpty(), "no request written for a forged retry");
    QuarantineEnvelope q = TOPICS.quarantine().decode(quarantine.readValue());
    assertEquals("UNDECODABLE", q.getReason());
    assertEquals(TOPICS.snapshotReports().name(), q.getSourceTopic());
  }

  @Test
  void when_a_request_or_genesis_cannot_be_decoded_or_is_empty_then_each_is_quarantined() {
    requests.pipeInput("5", new byte[] {(byte) 0xC3, 0x01, 9});
    genesis.pipeInput("genesis", new byte[0]);
    List<QuarantineEnvelope> q = quarantined();
    assertEquals(2, q.size());
    assertEquals(TOPICS.snapshotRequests().name(), q.get(0).getSourceTopic());
    assertEquals(TOPICS.genesis().name(), q.get(1).getSourceTopic());
    assertTrue(q.get(1).getDetail().startsWith("EMPTY"), q.get(1).getDetail());
    genesis3();
    assertTrue(quarantine.isEmpty(), "a valid genesis after a bad one is used");
  }

  @Test
  void
      when_a_node_outside_the_bank_reports_then_it_is_quarantined_and_the_snapshot_still_completes() {
    genesis3();
    request(14);
    pipe(report(14, 0, 100, 0));
    pipe(report(14, 5, 100, 0));
    QuarantineEnvelope q = TOPICS.quarantine().decode(quarantine.readValue());
    assertEquals("UNKNOWN_NODE", q.getReason());
    assertTrue(audits.isEmpty());
    pipe(report(14, 1, 100, 0));
    pipe(report(14, 2, 100, 0));
    List<AuditReport> out = auditReports();
    assertEquals(1, out.size());
    assertEquals(
        AuditStatus.CONSISTENT, out.get(0).getStatus(), out.get(0).getProblems().toString());
    assertEquals(1L, counter("unknownNode"));
  }

  @Test
  void
      when_an_outside_node_reported_before_the_genesis_then_it_is_quarantined_when_the_genesis_arrives() {
    request(15);
    pipe(report(15, 0, 100, 0));
    pipe(report(15, 7, 100, 0));
    pipe(report(15, 1, 100, 0));
    pipe(report(15, 2, 100, 0));
    assertTrue(audits.isEmpty());
    genesis3();
    QuarantineEnvelope q = TOPICS.quarantine().decode(quarantine.readValue());
    assertEquals("UNKNOWN_NODE", q.getReason());
    assertEquals(-1L, q.getSourceOffset(), "its position is no longer known");
    AuditReport r = auditReports().get(0);
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(3, r.getNodes().size());
  }

  @Test
  void when_a_different_genesis_arrives_then_it_is_quarantined_and_the_first_stands() {
    genesis3();
    genesis.pipeInput(
        "genesis",
        TOPICS
            .genesis()
            .encode(
                new BankGenesis(
                    3,
                    999L,
                    new ArrayList<>(),
                    0L,
                    "",
                    1,
                    io.snapbank.schemas.ChannelOrder.FIFO,
                    1)));
    assertEquals(
        "GENESIS_CONFLICT", TOPICS.quarantine().decode(quarantine.readValue()).getReason());
    genesis3();
    assertTrue(quarantine.isEmpty(), "the same genesis again is no conflict");
    request(16);
    pipe(report(16, 0, 100, 0));
    pipe(report(16, 1, 100, 0));
    pipe(report(16, 2, 100, 0));
    AuditReport r = auditReports().get(0);
    assertEquals(300, r.getExpectedTotal());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus());
  }

  @Test
  void when_the_request_was_seen_then_latency_counts_from_its_time() {
    genesis3();
    long requestedAt = START.toEpochMilli() - 250;
    requests.pipeInput(
        "17",
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(17L, List.of(), requestedAt, "test", -1L, -1L)));
    driver.advanceWallClockTime(Duration.ofMillis(750));
    pipe(report(17, 0, 100, 0));
    pipe(report(17, 1, 100, 0));
    pipe(report(17, 2, 100, 0));
    AuditReport r = auditReports().get(0);
    assertEquals(requestedAt, r.getRequestedAtMs());
    assertEquals(START.toEpochMilli() + 750, r.getCompletedAtMs());
    assertEquals(1_000, r.getLatencyMs());
    assertEquals(1L, counter("completed"));
  }

  @Test
  void when_all_reports_arrive_before_the_request_then_the_request_completes_it_with_its_terms() {
    genesis3();
    pipe(report(40, 0, 100, 0));
    pipe(report(40, 1, 90, 0));
    pipe(report(40, 2, 100, 10));
    assertTrue(audits.isEmpty(), "no audit before the request is read");
    assertEquals(
        0L,
        driver
            .<Long, PendingSnapshotMeta>getKeyValueStore(AuditorTopology.PENDING_STORE)
            .get(40L)
            .getRequestedAtMs(),
        "pending, its request not read");
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertTrue(audits.isEmpty(), "a tick before the timeout does not complete it");
    long requestedAt = START.toEpochMilli() - 250;
    request(40, requestedAt, 39);
    TestRecord<String, byte[]> rec = audits.readRecord();
    assertEquals("40", rec.key());
    assertTrue(audits.isEmpty(), "exactly one audit report");
    AuditReport r = TOPICS.auditReports().decode(rec.value());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals(39, r.getRetryOf(), "the request's terms");
    assertEquals(requestedAt, r.getRequestedAtMs());
    assertEquals(START.toEpochMilli() + 2_000, r.getCompletedAtMs(), "when the request was read");
    assertEquals(300, r.getExpectedTotal());
    assertEquals(10, r.getInFlightTotal());
    assertTrue(aborts.isEmpty());
    assertEquals(1L, counter("completed"));
    assertEquals(null, driver.getKeyValueStore(AuditorTopology.PENDING_STORE).get(40L));
  }

  @Test
  void
      when_all_reports_are_in_but_no_request_comes_then_the_first_tick_past_the_timeout_completes_it() {
    genesis3();
    pipe(report(41, 0, 100, 0));
    pipe(report(41, 1, 90, 0));
    pipe(report(41, 2, 100, 10));
    for (int s = 1; s < 10; s++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertTrue(audits.isEmpty(), "still awaiting the request after " + s + " s");
    }
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    List<AuditReport> out = auditReports();
    assertEquals(1, out.size());
    AuditReport r = out.get(0);
    assertEquals(41, r.getSnapshotId());
    assertEquals(AuditStatus.CONSISTENT, r.getStatus(), r.getProblems().toString());
    assertEquals("", r.getAbortReason());
    assertEquals(-1, r.getRetryOf(), "its terms are unknown");
    assertEquals(1000, r.getRequestedAtMs(), "the time the reports carry");
    assertEquals(START.toEpochMilli() + 10_000, r.getCompletedAtMs(), "the timeout's tick");
    assertTrue(aborts.isEmpty(), "completed, not aborted: the nodes are not told to abort");
    assertEquals(1L, counter("completed"));
    assertEquals(0L, counter("aborted"));

    request(41, 1000L, 39);
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertTrue(audits.isEmpty(), "a request read late reopens nothing");
    assertTrue(aborts.isEmpty());
  }

  @Test
  void when_a_request_arrives_for_a_finished_snapshot_then_nothing_is_reopened() {
    genesis3();
    request(18);
    pipe(report(18, 0, 100, 0));
    pipe(report(18, 1, 100, 0));
    pipe(report(18, 2, 100, 0));
    assertEquals(1, auditReports().size());
    requests.pipeInput(
        "18",
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(18L, List.of(), 1L, "test", -1L, -1L)));
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertTrue(audits.isEmpty(), "no abort of an already audited snapshot");
    assertTrue(aborts.isEmpty());
  }

  @Test
  void when_requests_are_scheduled_then_one_request_per_period() {
    start(Duration.ofSeconds(5));
    genesis3();
    TestOutputTopic<String, byte[]> out = requestsWritten();
    for (int i = 0; i < 12; i++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
    List<SnapshotRequest> reqs = new ArrayList<>();
    for (byte[] v : out.readValuesToList()) {
      reqs.add(TOPICS.snapshotRequests().decode(v));
    }
    assertEquals(3, reqs.size(), "requests at 1 s, 6 s and 11 s");
    assertTrue(reqs.get(0).getSnapshotId() < reqs.get(1).getSnapshotId());
  }

  private void pipeDeepAudit(DeepAuditResult r) {
    deepAudits.pipeInput(Long.toString(r.snapshotId()), OWN.deepAudits().encode(r));
  }

  /** Snapshot {@code id}'s request, then every node's report: 290 held and 10 in flight. */
  private void complete(long id) {
    request(id);
    pipe(report(id, 0, 100, 0));
    pipe(report(id, 1, 90, 0));
    pipe(report(id, 2, 100, 10));
  }

  @Test
  void when_a_deep_audit_result_arrives_then_the_stored_report_is_merged_and_published_again() {
    genesis3();
    complete(20);
    AuditReport first = auditReports().get(0);
    assertEquals(null, first.getDeepAudit());
    InFlightTransfer t = new InFlightTransfer(1, 2, 10L, "t1", 10L);
    pipeDeepAudit(new DeepAuditResult(20, List.of(t), List.of()));
    List<AuditReport> out = auditReports();
    assertEquals(1, out.size(), "one updated report");
    assertEquals(
        AuditStatus.CONSISTENT, out.get(0).getStatus(), out.get(0).getProblems().toString());
    assertTrue(out.get(0).getDeepAudit().getVerified());
    assertEquals(List.of(t), out.get(0).getDeepAudit().getTransfers());
    assertEquals(
        out.get(0),
        driver.<Long, AuditReport>getKeyValueStore(AuditorTopology.FINISHED_REPORTS_STORE).get(20L),
        "the stored report is the merged one");
    assertEquals(1L, counter("deepAudited"));

    pipeDeepAudit(new DeepAuditResult(20, List.of(), List.of()));
    AuditReport again = auditReports().get(0);
    assertEquals(AuditStatus.VIOLATION, again.getStatus(), "a later deep audit replaces it");
    assertEquals(List.of(ViolationReason.DEEP_AUDIT_MISMATCH), AuditRules.reasons(again));
    assertTrue(quarantine.isEmpty());
  }

  @Test
  void when_a_deep_audit_matches_no_complete_snapshot_then_it_is_quarantined_as_unmatched() {
    genesis3();
    pipeDeepAudit(new DeepAuditResult(21, List.of(), List.of()));
    pipe(report(22, 0, 100, 0));
    pipeDeepAudit(new DeepAuditResult(22, List.of(), List.of()));
    deepAudits.pipeInput("23", new byte[] {1, 2});
    List<QuarantineEnvelope> q = quarantined();
    assertEquals(
        List.of("UNMATCHED_DEEP_AUDIT", "UNMATCHED_DEEP_AUDIT", "UNDECODABLE"),
        q.stream().map(QuarantineEnvelope::getReason).toList());
    assertEquals(OWN.deepAudits().name(), q.get(0).getSourceTopic());
    assertTrue(q.get(1).getDetail().contains("still pending"), q.get(1).getDetail());
    assertTrue(audits.isEmpty());
  }

  @Test
  void when_a_day_has_passed_then_a_finished_snapshot_is_forgotten_with_its_report() {
    genesis3();
    complete(24);
    assertEquals(1, auditReports().size());
    KeyValueStore<Long, Long> finished = driver.getKeyValueStore(AuditorTopology.FINISHED_STORE);
    assertTrue(finished.get(24L) != null);
    driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));
    assertEquals(null, finished.get(24L));
    assertEquals(
        null,
        driver.getKeyValueStore(AuditorTopology.FINISHED_REPORTS_STORE).get(24L),
        "its report is forgotten too");
    pipeDeepAudit(new DeepAuditResult(24, List.of(), List.of()));
    assertEquals("UNMATCHED_DEEP_AUDIT", quarantined().get(0).getReason());
  }

  @Test
  void when_a_snapshot_is_pending_then_its_state_is_stored_as_typed_values() {
    genesis3();
    requests.pipeInput(
        "25",
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(25L, List.of(), 700L, "test", -1L, -1L)));
    pipe(report(25, 1, 100, 0));
    PendingSnapshotMeta meta =
        driver.<Long, PendingSnapshotMeta>getKeyValueStore(AuditorTopology.PENDING_STORE).get(25L);
    assertEquals(
        new PendingSnapshotMeta(25L, START.toEpochMilli(), 700L, 0L, List.of(), -1L), meta);
    assertEquals(
        report(25, 1, 100, 0),
        driver
            .<ReportKey, LocalSnapshotReport>getKeyValueStore(AuditorTopology.REPORTS_STORE)
            .get(new ReportKey(25, 1)));
    pipe(report(25, 0, 100, 0));
    pipe(report(25, 2, 100, 0));
    assertEquals(
        null,
        driver.getKeyValueStore(AuditorTopology.PENDING_STORE).get(25L),
        "a finished snapshot is no longer pending");
    assertEquals(
        null,
        driver.getKeyValueStore(AuditorTopology.REPORTS_STORE).get(new ReportKey(25, 1)),
        "nor are its reports held");
  }

  /** Node {@code node}'s report recorded in {@code epoch} of {@code members}: empty channels. */
  private static LocalSnapshotReport inEpoch(
      long id, int node, List<Integer> members, long epoch, long balance) {
    List<ChannelState> chans = new ArrayList<>();
    for (int from : members) {
      if (from != node) {
        chans.add(new ChannelState(from, node, 10L, 10L, 0L, 0L, -1L, 0, -1L));
      }
    }
    return LocalSnapshotReport.newBuilder(report(id, node, balance, 0))
        .setChannels(chans)
        .setEpoch(epoch)
        .build();
  }

  @Test
  void when_a_join_aborts_a_pending_snapshot_then_a_retry_is_requested_in_the_new_epoch() {
    genesis3();
    TestOutputTopic<String, byte[]> written = requestsWritten();
    requests.pipeInput(
        "30",
        TOPICS
            .snapshotRequests()
            .encode(new SnapshotRequest(30L, List.of(2), 500L, "test", 0L, -1L)));
    pipe(report(30, 0, 100, 0));
    List<Integer> members = List.of(0, 1, 2, 3);
    BankEpoch join = EpochFixtures.change(1, EpochKind.JOIN, 3, members, 100, 0);
    epochs.pipeInput("1", TOPICS.epochs().encode(join));

    AuditReport aborted = auditReports().get(0);
    assertEquals(AuditStatus.ABORTED, aborted.getStatus());
    assertEquals("EPOCH_CHANGED", aborted.getAbortReason());
    assertEquals(List.of(0, 1, 2), aborted.getMembers());
    List<SnapshotRequest> out = new ArrayList<>();
    written.readValuesToList().forEach(v -> out.add(TOPICS.snapshotRequests().decode(v)));
    assertEquals(1, out.size(), out.toString());
    SnapshotRequest retry = out.get(0);
    assertEquals(START.toEpochMilli(), retry.getSnapshotId(), "a fresh id from the allocator");
    assertEquals(1, retry.getEpoch(), "the current epoch");
    assertEquals(30, retry.getRetryOf());
    assertEquals(List.of(2), retry.getInitiators(), "its initiator is still a member");
    assertEquals("t-auditor", retry.getRequestedBy());
    assertEquals(
        retry.getSnapshotId(),
        driver
            .<String, RequestScheduleState>getKeyValueStore(AuditorTopology.SCHEDULE_STORE)
            .get("requests")
            .getLastRequestedId(),
        "the id is taken: later requests get larger ones");
    assertEquals(1L, counter("retried"));

    long id = retry.getSnapshotId();
    for (int n : members) {
      pipe(inEpoch(id, n, members, 1, 100));
    }
    AuditReport done = auditReports().get(0);
    assertEquals(AuditStatus.CONSISTENT, done.getStatus(), done.getProblems().toString());
    assertEquals(id, done.getSnapshotId());
    assertEquals(30, done.getRetryOf(), "the retry read back names the snapshot it retries");
    assertEquals(1, done.getEpoch());
    assertEquals(members, done.getMembers());
    assertEquals(400, done.getExpectedTotal(), "the genesis 300 and the 100 node 3 brought in");
  }
}
