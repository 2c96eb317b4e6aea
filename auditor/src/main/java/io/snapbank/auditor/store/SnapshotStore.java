package io.snapbank.auditor.store;

import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.EpochKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Keeps complete global snapshots (CONSISTENT or VIOLATION) in a directory: {@code
 * snapshot-<id>.avro}, an Avro object container file holding the audit report with its schema, and
 * {@code snapshot-<id>.json}, the same report for people. Keeps the {@code retain} most recent (by
 * snapshot id) and deletes older files, except a cut the bank was restored to: it stays until a
 * later snapshot of the restored epoch is CONSISTENT, so the cut remains restorable until then. The
 * bank's restore history is kept beside them in {@code epochs.json}. Files are written to a
 * temporary name and moved in place, so a reader never sees half a file.
 */
public final class SnapshotStore {
  private static final Pattern NAME = Pattern.compile("snapshot-(\\d+)\\.(avro|json)");
  private final Path dir;
  private final int retain;
  private final TreeMap<Long, BankEpoch> epochs = new TreeMap<>();
  private final TreeMap<Long, Long> pinned = new TreeMap<>(); // snapshot id -> restore epoch

  public SnapshotStore(Path dir, int retain) {
    this.dir = dir;
    this.retain = retain;
  }

  /**
   * Stores a complete snapshot; returns the .avro file, or null for an ABORTED report (not stored).
   */
  public synchronized Path store(AuditReport report) {
    if (report.getStatus() == AuditStatus.ABORTED) {
      return null;
    }
    try {
      Files.createDirectories(dir);
      Path avro = dir.resolve("snapshot-" + report.getSnapshotId() + ".avro");
      Path tmp = dir.resolve(".snapshot-" + report.getSnapshotId() + ".avro.tmp");
      try (DataFileWriter<AuditReport> w =
          new DataFileWriter<>(new SpecificDatumWriter<>(AuditReport.class))) {
        w.create(AuditReport.getClassSchema(), tmp.toFile());
        w.append(report);
      }
      Files.move(tmp, avro, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Path json = dir.resolve("snapshot-" + report.getSnapshotId() + ".json");
      Path jtmp = dir.resolve(".snapshot-" + report.getSnapshotId() + ".json.tmp");
      Files.writeString(jtmp, ReportJson.toJson(report), StandardCharsets.UTF_8);
      Files.move(jtmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (report.getStatus() == AuditStatus.CONSISTENT) {
        pinned.values().removeIf(epoch -> report.getEpoch() >= epoch);
      }
      prune();
      return avro;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store snapshot " + report.getSnapshotId() + " in " + dir, e);
    }
  }

  /**
   * An entry of the bank's epoch log: written to {@code epochs.json}; a RESTORE pins its cut until
   * a later snapshot of that epoch is CONSISTENT.
   */
  public synchronized void epoch(BankEpoch e) {
    epochs.put(e.getEpoch(), e);
    if (e.getKind() == EpochKind.RESTORE && e.getRestore() != null) {
      pinned.put(e.getRestore().getSnapshotId(), e.getEpoch());
    }
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(".epochs.json.tmp");
      Files.writeString(tmp, ReportJson.epochsToJson(epochs.values()), StandardCharsets.UTF_8);
      Files.move(
          tmp,
          dir.resolve("epochs.json"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the epoch history in " + dir, ex);
    }
  }

  /** Ids of snapshots kept although older than the retained ones: restored cuts. */
  public synchronized List<Long> pinned() {
    return new ArrayList<>(pinned.keySet());
  }

  /** Ids of stored snapshots, ascending. */
  public synchronized List<Long> ids() {
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = NAME.matcher(f.getFileName().toString());
            if (m.matches() && m.group(2).equals("avro")) {
              ids.add(Long.parseLong(m.group(1)));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ids.sort(Long::compare);
    return ids;
  }

  private void prune() throws IOException {
    List<Long> ids = ids();
    for (int i = 0; i < ids.size() - retain; i++) {
      if (pinned.containsKey(ids.get(i))) {
        continue;
      }
      Files.deleteIfExists(dir.resolve("snapshot-" + ids.get(i) + ".avro"));
      Files.deleteIfExists(dir.resolve("snapshot-" + ids.get(i) + ".json"));
    }
  }
}
