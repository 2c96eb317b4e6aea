package io.snapbank.auditor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

  static AuditReport consistent(long id) {
    List<LocalSnapshotReport> reports = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      int from = 1 - n;
      reports.add(new LocalSnapshotReport(id, n, 10L, 11L, 12L, List.of(new AccountBalance("n" + n + "-a000", n == 0 ? 95L : 100L)),
          List.of(new ChannelState(from, n, 3L, n == 1 ? 5L : 3L, n == 1 ? 1L : 0L, n == 1 ? 5L : 0L))));
    }
    return AuditRules.audit(id, reports, 2, 200, 10, 20);
  }

  @Test
  void when_more_than_k_snapshots_are_stored_then_only_the_last_k_remain_with_json() throws IOException {
    Path dir = Files.createTempDirectory("snaps");
    SnapshotStore store = new SnapshotStore(dir, 3);
    for (long id = 1; id <= 5; id++) {
      store.store(consistent(id));
    }
    assertEquals(List.of(3L, 4L, 5L), store.ids());
    assertTrue(Files.readString(dir.resolve("snapshot-5.json")).contains("\"status\" : \"CONSISTENT\""));
    assertFalse(Files.exists(dir.resolve("snapshot-1.json")));
    assertNull(store.store(AuditRules.aborted(9, List.of(), 2, 200, 0, 5)), "aborted snapshots are not stored");
  }

  @Test
  void when_a_stored_file_is_verified_then_ok_and_when_tampered_then_the_problem_is_named(@TempDir Path dir)
      throws IOException {
    Path file = new SnapshotStore(dir, 5).store(consistent(7));
    SnapshotFileVerifier.Result ok = SnapshotFileVerifier.verify(file);
    assertTrue(ok.ok(), ok.problems().toString());
    assertEquals(200, ok.recordedTotal());

    AuditReport forged = consistent(8);
    forged.getNodes().get(0).getBalances().set(0, new AccountBalance("n0-a000", 195L));
    Path bad = dir.resolve("forged.avro");
    try (DataFileWriter<AuditReport> w = new DataFileWriter<>(new SpecificDatumWriter<>(AuditReport.class))) {
      w.create(AuditReport.getClassSchema(), bad.toFile());
      w.append(forged);
    }
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(bad);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).startsWith("CONSERVATION"), r.problems().toString());
  }

  @Test
  void when_the_file_is_not_a_snapshot_then_a_clear_problem_not_an_exception(@TempDir Path dir) throws IOException {
    Path junk = dir.resolve("junk.avro");
    Files.writeString(junk, "hello");
    SnapshotFileVerifier.Result r = SnapshotFileVerifier.verify(junk);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).startsWith("not a snapshot file"), r.problems().toString());
    assertTrue(SnapshotFileVerifier.verify(dir.resolve("missing.avro")).problems().get(0).startsWith("no such file"));
  }
}
