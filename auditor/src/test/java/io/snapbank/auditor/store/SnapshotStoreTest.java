package io.snapbank.auditor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.DeepAuditRules;
import io.snapbank.auditor.core.Members;
import io.snapbank.auditor.core.UnreadableRange;
import io.snapbank.auditor.core.ViolationReason;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.LocalSnapshotReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

  static AuditReport consistent(long id) {
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      int from = 1 - n;
      reports.add(
          new LocalSnapshotReport(
              id,
              n,
              10L,
              11L,
              12L,
              List.of(new AccountBalance("n" + n + "-a000", n == 0 ? 95L : 100L)),
              List.of(
                  new ChannelState(
                      from,
                      n,
                      3L,
                      n == 1 ? 5L : 3L,
                      n == 1 ? 1L : 0L,
                      n == 1 ? 5L : 0L,
                      -1L,
                      0,
                      -1L)),
              List.of(),
              List.of(),
              0L,
              0L));
    }
    return AuditRules.audit(id, reports, Members.range(2), 200, 10, 20);
  }

  @Test
  void when_more_than_k_snapshots_are_stored_then_only_the_last_k_remain_with_json()
      throws IOException {
    Path dir = Files.createTempDirectory("snaps");
    SnapshotStore store = new SnapshotStore(dir, 3);
    for (long id = 1; id <= 5; id++) {
      store.store(consistent(id));
    }
    assertEquals(List.of(3L, 4L, 5L), store.ids());
    assertTrue(
        Files.readString(dir.resolve("snapshot-5.json")).contains("\"status\" : \"CONSISTENT\""));
    assertFalse(Files.exists(dir.resolve("snapshot-1.json")));
    assertNull(
        store.store(AuditRules.aborted(9, List.of(), Members.range(2), 200, 0, 5)),
        "aborted snapshots are not stored");
  }

  @Test
  void when_a_stored_file_is_verified_then_ok_and_when_tampered_then_the_problem_is_named(
      @TempDir Path dir) throws IOException {
    Path file = new SnapshotStore(dir, 5).store(consistent(7));
    SnapshotFileVerifier.Result ok = SnapshotFileVerifier.verify(file);
    assertTrue(ok.ok(), ok.problems().toString());
    assertEquals(200, ok.recordedTotal());

    AuditReport forged = consistent(8);
    forged.getNodes().get(0).getBalances().set(0, new AccountBalance("n0-a000", 195L));
    Path bad = dir.resolve("forged.avro");
    try (DataFileWriter<AuditReport> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(AuditReport.class))) {
      w.create(AuditReport.getClassSchema(), bad.toFile());
      w.append(forged);
    }
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(bad);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).startsWith("CONSERVATION"), r.problems().toString());
  }

  @Test
  void when_the_file_is_not_a_snapshot_then_a_clear_problem_not_an_exception(@TempDir Path dir)
      throws IOException {
    Path junk = dir.resolve("junk.avro");
    Files.writeString(junk, "hello");
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(junk);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).startsWith("not a snapshot file"), r.problems().toString());
    assertTrue(
        SnapshotFileVerifier.verify(dir.resolve("missing.avro"))
            .problems()
            .get(0)
            .startsWith("no such file"));
  }

  private static Path write(Path dir, String name, AuditReport r) throws IOException {
    Path f = dir.resolve(name);
    try (DataFileWriter<AuditReport> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(AuditReport.class))) {
      w.create(AuditReport.getClassSchema(), f.toFile());
      w.append(r);
    }
    return f;
  }

  @Test
  void when_a_snapshot_is_stored_then_the_avro_file_carries_its_schema_and_the_json_is_readable(
      @TempDir Path dir) throws IOException {
    Path file = new SnapshotStore(dir, 5).store(consistent(3));
    assertEquals(dir.resolve("snapshot-3.avro"), file);
    try (DataFileReader<GenericRecord> in =
        new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      assertEquals("io.snapbank.schemas.AuditReport", in.getSchema().getFullName());
      GenericRecord g = in.next();
      assertEquals(3L, g.get("snapshotId"));
      assertEquals("CONSISTENT", g.get("status").toString());
      assertFalse(in.hasNext(), "one report per file");
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("snapshot-3.json").toFile());
    assertEquals(3, json.get("snapshotId").asLong());
    assertEquals(195, json.get("balancesTotal").asLong());
    assertEquals(5, json.get("inFlightTotal").asLong());
    assertEquals(95, json.get("nodes").get(0).get("balances").get("n0-a000").asLong());
    assertEquals(2, json.get("channels").size());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("snapshot-3.avro", "snapshot-3.json"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "no temporary files left");
    }
  }

  @Test
  void when_a_snapshot_is_stored_again_then_the_newer_version_replaces_it(@TempDir Path dir)
      throws IOException {
    SnapshotStore store = new SnapshotStore(dir, 5);
    store.store(consistent(4));
    AuditReport deep =
        DeepAuditRules.withDeepAudit(
            consistent(4), List.of(new InFlightTransfer(0, 1, 3L, "t", 5L)), List.of());
    store.store(deep);
    assertEquals(List.of(4L), store.ids());
    assertTrue(
        SnapshotFileVerifier.read(dir.resolve("snapshot-4.avro"))
            .orElseThrow()
            .getDeepAudit()
            .getVerified());
    assertTrue(SnapshotFileVerifier.verify(dir.resolve("snapshot-4.avro")).ok());
  }

  @Test
  void when_a_channel_is_removed_from_the_file_then_verify_names_the_missing_channel(
      @TempDir Path dir) throws IOException {
    AuditReport r = consistent(9);
    r.setChannels(new ArrayList<>(r.getChannels().subList(1, 2)));
    r.setInFlightTotal(0L);
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "f.avro", r));
    assertFalse(v.ok());
    assertTrue(v.reasons().contains(ViolationReason.CHANNEL_MISSING), v.problems().toString());
    assertTrue(v.reasons().contains(ViolationReason.CONSERVATION), v.problems().toString());
  }

  @Test
  void when_a_channel_is_duplicated_or_has_an_impossible_range_then_verify_says_so(
      @TempDir Path dir) throws IOException {
    AuditReport dup = consistent(10);
    List<ChannelState> chans = new ArrayList<>(dup.getChannels());
    chans.add(chans.get(0));
    dup.setChannels(chans);
    assertTrue(
        SnapshotFileVerifier.verify(write(dir, "dup.avro", dup))
            .reasons()
            .contains(ViolationReason.CHANNEL_DUPLICATE));

    AuditReport range = consistent(11);
    range.getChannels().get(1).setFirstOffset(9L); // channel 1->0 becomes [9, 3)
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "range.avro", range));
    assertEquals(List.of(ViolationReason.BAD_RANGE), v.reasons(), v.problems().toString());
  }

  @Test
  void when_a_balance_is_made_negative_and_compensated_then_verify_finds_the_negative_balance(
      @TempDir Path dir) throws IOException {
    AuditReport r = consistent(12);
    r.getNodes()
        .get(0)
        .setBalances(
            new ArrayList<>(
                List.of(new AccountBalance("n0-a000", 100L), new AccountBalance("n0-a001", -5L))));
    r.getNodes().get(0).setAccounts(2);
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "neg.avro", r));
    assertFalse(v.ok());
    assertEquals(ViolationReason.NEGATIVE_BALANCE, v.reasons().get(0), v.problems().toString());
    assertEquals(200, v.recordedTotal(), "the total still holds");
  }

  @Test
  void when_a_node_figure_is_removed_then_verify_notices_the_node_is_gone(@TempDir Path dir)
      throws IOException {
    AuditReport r = consistent(13);
    r.setNodes(new ArrayList<>(r.getNodes().subList(1, 2)));
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "gone.avro", r));
    assertFalse(v.ok());
    assertTrue(
        v.problems().stream().anyMatch(p -> p.startsWith("node 0 has no figure")),
        v.problems().toString());
  }

  @Test
  void when_the_stored_totals_or_status_are_edited_then_verify_reports_the_disagreement(
      @TempDir Path dir) throws IOException {
    AuditReport r = consistent(14);
    r.setBalancesTotal(200L);
    r.setInFlightTotal(0L);
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "totals.avro", r));
    assertFalse(v.ok());
    assertTrue(v.problems().get(0).startsWith("stored totals"), v.problems().toString());

    AuditReport forged = consistent(15);
    forged
        .getNodes()
        .get(1)
        .setBalances(new ArrayList<>(List.of(new AccountBalance("n1-a000", 1_000L))));
    forged.getNodes().get(1).setBalancesTotal(1_000L);
    forged.setStatus(AuditStatus.CONSISTENT);
    SnapshotFileVerifier.Result f = SnapshotFileVerifier.verify(write(dir, "forged2.avro", forged));
    assertTrue(
        f.problems().stream()
            .anyMatch(p -> p.startsWith("stored status CONSISTENT but the figures give VIOLATION")),
        f.problems().toString());
  }

  @Test
  void when_the_listed_in_flight_transfers_are_edited_then_verify_finds_a_deep_audit_mismatch(
      @TempDir Path dir) throws IOException {
    AuditReport deep =
        DeepAuditRules.withDeepAudit(
            consistent(16), List.of(new InFlightTransfer(0, 1, 3L, "t", 5L)), List.of());
    deep.getDeepAudit().getTransfers().get(0).setAmount(50L);
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(write(dir, "deep.avro", deep));
    assertEquals(
        List.of(ViolationReason.DEEP_AUDIT_MISMATCH), v.reasons(), v.problems().toString());
  }

  @Test
  void when_a_violation_is_stored_then_verify_confirms_the_same_problems(@TempDir Path dir)
      throws IOException {
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      reports.add(
          new LocalSnapshotReport(
              17L,
              n,
              10L,
              11L,
              12L,
              List.of(new AccountBalance("n" + n + "-a000", 120L)),
              List.of(new ChannelState(1 - n, n, 0L, 0L, 0L, 0L, -1L, 0, -1L)),
              List.of(),
              List.of(),
              0L,
              0L));
    }
    AuditReport violation = AuditRules.audit(17, reports, Members.range(2), 200, 10, 20);
    Path file = new SnapshotStore(dir, 5).store(violation);
    assertEquals(AuditStatus.VIOLATION, violation.getStatus());
    SnapshotFileVerifier.Result v = SnapshotFileVerifier.verify(file);
    assertFalse(v.ok());
    assertEquals(violation.getProblems(), v.problems());
    assertEquals(240, v.recordedTotal());
  }

  @Test
  void when_an_empty_container_file_is_verified_then_it_holds_no_snapshot(@TempDir Path dir)
      throws IOException {
    Path f = dir.resolve("empty.avro");
    try (DataFileWriter<AuditReport> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(AuditReport.class))) {
      w.create(AuditReport.getClassSchema(), f.toFile());
    }
    assertEquals(List.of("the file holds no snapshot"), SnapshotFileVerifier.verify(f).problems());
  }

  @Test
  void when_a_deep_audit_could_not_read_a_range_then_the_file_still_verifies(@TempDir Path dir)
      throws IOException {
    AuditReport deep =
        DeepAuditRules.withDeepAudit(
            consistent(18), List.of(), List.of(new UnreadableRange(0, 1, "gone")));
    assertFalse(deep.getDeepAudit().getVerified());
    SnapshotFileVerifier.Result v =
        SnapshotFileVerifier.verify(new SnapshotStore(dir, 5).store(deep));
    assertTrue(v.ok(), v.problems().toString());
  }
}
