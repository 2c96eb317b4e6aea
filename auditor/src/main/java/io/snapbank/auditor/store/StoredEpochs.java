package io.snapbank.auditor.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapbank.auditor.core.Members;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bank's epoch log as {@link SnapshotStore} keeps it beside the snapshots ({@code epochs.json},
 * written by {@link ReportJson#epochsToJson}): per epoch its members and what the change did to the
 * bank's money. The genesis (epoch 0) is not in it. Immutable.
 */
public record StoredEpochs(SortedMap<Long, StoredEpochs.Entry> entries) {
  /** No epoch log stored. */
  public static final StoredEpochs NONE = new StoredEpochs(new TreeMap<>());

  /** The file's name in a snapshot directory. */
  public static final String FILE = "epochs.json";

  /**
   * One entry.
   *
   * @param restoredTotal for a RESTORE, the total of the cut it restored (empty otherwise)
   * @param moneyIn the money the change brought in (empty when not written: an older file)
   * @param moneyOut the money the change took out (empty when not written)
   */
  public record Entry(
      long epoch,
      String kind,
      Members members,
      Optional<Long> restoredTotal,
      Optional<Long> moneyIn,
      Optional<Long> moneyOut) {}

  public StoredEpochs {
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  /** The epoch log stored in {@code dir}; {@link #NONE} when there is no such file. */
  public static StoredEpochs read(Path dir) throws IOException {
    Path file = dir == null ? null : dir.resolve(FILE);
    if (file == null || !Files.isRegularFile(file)) {
      return NONE;
    }
    JsonNode all = new ObjectMapper().readTree(file.toFile());
    if (all == null || !all.isArray()) {
      throw new IOException(file + " is not a JSON array of epochs");
    }
    TreeMap<Long, Entry> entries = new TreeMap<>();
    for (JsonNode e : all) {
      List<Integer> members = new ArrayList<>();
      e.path("members").forEach(m -> members.add(m.asInt()));
      JsonNode restore = e.path("restore");
      Entry entry =
          new Entry(
              e.path("epoch").asLong(),
              e.path("kind").asText(""),
              Members.of(members),
              restore.has("expectedTotal")
                  ? Optional.of(restore.get("expectedTotal").asLong())
                  : Optional.empty(),
              e.has("moneyIn") ? Optional.of(e.get("moneyIn").asLong()) : Optional.empty(),
              e.has("moneyOut") ? Optional.of(e.get("moneyOut").asLong()) : Optional.empty());
      entries.put(entry.epoch(), entry);
    }
    return new StoredEpochs(entries);
  }

  /** The members in force at {@code epoch}: the latest entry's at or before it, if any. */
  public Optional<Members> members(long epoch) {
    SortedMap<Long, Entry> upTo = upTo(epoch);
    return upTo.isEmpty() ? Optional.empty() : Optional.of(upTo.get(upTo.lastKey()).members());
  }

  /**
   * The money a snapshot of {@code epoch} must account for, when the log tells it: the total of the
   * last restore at or before it, plus the money every later change brought in, minus what it took
   * out. Empty without such a restore (the genesis total is not stored here) or when an entry does
   * not say what it did to the money.
   */
  public Optional<Long> expectedTotal(long epoch) {
    List<Entry> upTo = new ArrayList<>(upTo(epoch).values());
    long change = 0;
    for (int i = upTo.size() - 1; i >= 0; i--) {
      Entry e = upTo.get(i);
      if (e.kind().equals("RESTORE") && e.restoredTotal().isPresent()) {
        return Optional.of(e.restoredTotal().get() + change);
      }
      if (e.moneyIn().isEmpty() || e.moneyOut().isEmpty()) {
        return Optional.empty();
      }
      change += e.moneyIn().get() - e.moneyOut().get();
    }
    return Optional.empty();
  }

  private SortedMap<Long, Entry> upTo(long epoch) {
    return epoch == Long.MAX_VALUE ? entries : entries.headMap(epoch + 1);
  }
}
