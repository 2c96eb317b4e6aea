package io.snapbank.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.registry.SchemaFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every record type stays backward and forward compatible with its last released version
 * (src/test/resources/released/v1): a change that would break readers or writers fails the build.
 */
class SchemaCompatibilityTest {
  private static final Map<String, Schema> CURRENT = SchemaFiles.parse(Path.of("src/main/avro"));
  private static final Map<String, Schema> RELEASED =
      SchemaFiles.parse(Path.of("src/test/resources/released/v1"));

  static List<String> incompatibilities(Schema reader, Schema writer) {
    List<String> out = new ArrayList<>();
    var r = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (r.getType() != SchemaCompatibilityType.COMPATIBLE) {
      r.getResult()
          .getIncompatibilities()
          .forEach(i -> out.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
    }
    return out;
  }

  @Test
  void
      when_current_schemas_are_compared_with_the_released_ones_then_both_directions_are_compatible() {
    assertTrue(RELEASED.size() >= 9, "released schemas found: " + RELEASED.keySet());
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> e : RELEASED.entrySet()) {
      Schema current = CURRENT.get(e.getKey());
      if (current == null) {
        problems.add(e.getKey() + ": removed");
        continue;
      }
      for (String p : incompatibilities(current, e.getValue())) {
        problems.add(e.getKey() + " backward (new reader, old data): " + p);
      }
      for (String p : incompatibilities(e.getValue(), current)) {
        problems.add(e.getKey() + " forward (old reader, new data): " + p);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void when_a_field_is_added_without_default_or_changes_type_then_the_check_fails() {
    Schema released = RELEASED.get("io.snapbank.schemas.SnapshotRequest");
    Schema addedNoDefault =
        SchemaBuilder.record("SnapshotRequest")
            .namespace("io.snapbank.schemas")
            .fields()
            .requiredLong("snapshotId")
            .name("initiators")
            .type()
            .array()
            .items()
            .intType()
            .noDefault()
            .requiredLong("requestedAtMs")
            .requiredString("requestedBy")
            .requiredLong("priority")
            .endRecord();
    assertFalse(
        incompatibilities(addedNoDefault, released).isEmpty(),
        "new required field breaks old data");
    Schema changedType =
        SchemaBuilder.record("SnapshotRequest")
            .namespace("io.snapbank.schemas")
            .fields()
            .requiredString("snapshotId")
            .name("initiators")
            .type()
            .array()
            .items()
            .intType()
            .noDefault()
            .requiredLong("requestedAtMs")
            .requiredString("requestedBy")
            .endRecord();
    assertFalse(incompatibilities(changedType, released).isEmpty(), "long -> string breaks");
    assertFalse(incompatibilities(released, changedType).isEmpty());
  }

  @Test
  void when_schemas_are_walked_then_no_money_field_is_floating_point() {
    List<String> floats = new ArrayList<>();
    for (Schema s : CURRENT.values()) {
      walk(s, s.getFullName(), floats, new ArrayList<>());
    }
    assertEquals(List.of(), floats);
  }

  private static void walk(Schema s, String path, List<String> floats, List<String> seen) {
    switch (s.getType()) {
      case FLOAT, DOUBLE -> floats.add(path);
      case RECORD -> {
        if (seen.contains(s.getFullName())) {
          return;
        }
        seen.add(s.getFullName());
        s.getFields().forEach(f -> walk(f.schema(), path + "." + f.name(), floats, seen));
      }
      case ARRAY -> walk(s.getElementType(), path + "[]", floats, seen);
      case MAP -> walk(s.getValueType(), path + "{}", floats, seen);
      case UNION -> s.getTypes().forEach(t -> walk(t, path, floats, seen));
      default -> {}
    }
  }
}
