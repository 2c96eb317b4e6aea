package io.snapbank.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.ChannelRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRulesTest {
  private static RegisteredSchema registered(Schema s, int version) {
    return new RegisteredSchema(s.getFullName(), version, SchemaFingerprint.of(s), s, 0L, "test");
  }

  @Test
  void when_the_same_schema_is_judged_then_it_is_registered_with_its_version() {
    Schema current = ChannelRecord.getClassSchema();
    SchemaCheck c = SchemaRules.judge(current, List.of(registered(current, 3)));
    assertEquals(SchemaCheck.Status.REGISTERED, c.status());
    assertEquals("registered as version 3", c.detail());
  }

  @Test
  void when_a_subject_is_new_then_it_is_acceptable_as_version_1() {
    SchemaCheck c = SchemaRules.judge(ChannelRecord.getClassSchema(), List.of());
    assertEquals(SchemaCheck.Status.NEW_SUBJECT, c.status());
    assertTrue(c.acceptable());
  }

  @Test
  void when_v1_current_and_an_added_optional_field_are_judged_then_all_are_compatible() {
    Schema v1 = TestSchemas.v1().get("io.snapbank.schemas.ChannelRecord");
    Schema current = ChannelRecord.getClassSchema();
    Schema v2 = TestSchemas.withOptionalField(ChannelRecord.class, "traceId");
    SchemaCheck c = SchemaRules.judge(v2, List.of(registered(v1, 1), registered(current, 2)));
    assertEquals(SchemaCheck.Status.COMPATIBLE, c.status(), c.line());
    assertTrue(c.detail().contains("would be version 3"), c.detail());
  }

  @Test
  void when_a_required_field_is_removed_then_old_readers_cannot_read_it_and_it_is_refused() {
    Schema current = ChannelRecord.getClassSchema();
    Schema removed = TestSchemas.without(ChannelRecord.class, "seq");
    SchemaCheck c = SchemaRules.judge(removed, List.of(registered(current, 1)));
    assertEquals(SchemaCheck.Status.INCOMPATIBLE, c.status());
    assertFalse(c.acceptable());
    assertEquals(1, c.problems().size(), c.line());
    assertTrue(
        c.problems().get(0).startsWith("readers of version 1 cannot read its records"),
        c.problems().get(0));
    assertTrue(c.problems().get(0).contains("seq"), c.problems().get(0));
    assertTrue(c.line().startsWith("INCOMPATIBLE io.snapbank.schemas.ChannelRecord ("), c.line());
  }

  @Test
  void when_a_fingerprint_is_read_from_a_payload_then_it_is_the_writer_schema_s() {
    Schema s = ChannelRecord.getClassSchema();
    byte[] payload =
        io.snapbank.schemas.serde.SnapbankSerdes.create()
            .channelRecord()
            .encode(
                new ChannelRecord(
                    0, 1, 1L, new io.snapbank.schemas.Marker(1L), 0L, false, 0, -1L, -1L, 0L));
    assertEquals(SchemaFingerprint.of(s), SchemaFingerprint.ofPayload(payload).orElseThrow());
    assertEquals(SchemaFingerprint.of(s), SchemaFingerprint.parse(SchemaFingerprint.of(s).hex()));
    assertTrue(SchemaFingerprint.ofPayload(new byte[] {1, 2, 3}).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> SchemaFingerprint.parse("xyz"));
  }

  @Test
  void when_a_directory_of_schemas_is_parsed_in_any_order_then_its_subjects_are_the_top_records(
      @TempDir Path dir) throws IOException {
    Map<String, Schema> v1 = SchemaFiles.parse(Path.of("src/test/resources/released/v1"));
    assertTrue(v1.containsKey("io.snapbank.schemas.ChannelState"), v1.keySet().toString());
    Map<String, Schema> top = SchemaFiles.topLevel(v1);
    assertTrue(top.containsKey("io.snapbank.schemas.ChannelRecord"), top.keySet().toString());
    assertFalse(top.containsKey("io.snapbank.schemas.ChannelState"), top.keySet().toString());
    assertFalse(top.containsKey("io.snapbank.schemas.Transfer"), top.keySet().toString());

    // a file that uses a type defined in a file after it
    Files.writeString(
        dir.resolve("a.avsc"),
        "{\"type\":\"record\",\"name\":\"A\",\"namespace\":\"x\",\"fields\":[{\"name\":\"b\",\"type\":\"x.B\"}]}");
    Files.writeString(
        dir.resolve("b.avsc"),
        "{\"type\":\"record\",\"name\":\"B\",\"namespace\":\"x\",\"fields\":[{\"name\":\"n\",\"type\":\"long\"}]}");
    assertEquals(
        List.of("x.A"), List.copyOf(SchemaFiles.topLevel(SchemaFiles.parse(dir)).keySet()));

    Files.writeString(dir.resolve("c.avsc"), "{\"type\": \"record\", \"name\": ");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SchemaFiles.parse(dir));
    assertTrue(e.getMessage().contains("c.avsc is not a valid Avro schema"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
