package io.snapbank.schemas.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Schemas of other releases for the tests: released v1, and v2 = current plus one field. */
final class TestSchemas {
  private TestSchemas() {}

  /** The released v1 schemas, by full name. */
  static Map<String, Schema> v1() {
    return SchemaFiles.parse(Path.of("src/test/resources/released/v1"));
  }

  /** The current schema of {@code type} with an added optional string field {@code name}. */
  static Schema withOptionalField(Class<? extends SpecificRecord> type, String name) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field(
            name,
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            "added in v2",
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  /** The current schema of {@code type} without its field {@code name}. */
  static Schema without(Class<? extends SpecificRecord> type, String name) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().stream()
        .filter(f -> !f.name().equals(name))
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return Schema.createRecord(
        current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }
}
