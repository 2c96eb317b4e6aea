package io.snapbank.node.kafka;

import io.snapbank.schemas.registry.SchemaFiles;
import io.snapbank.schemas.serde.SnapbankSerdes;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Other releases of the bank's schemas, for upgrade tests. A release is simulated by serdes that
 * write with its schemas ({@link SnapbankSerdes#writingWith}): the released v1 schemas (kept in the
 * schemas module's test resources), and "v2", this release's schemas with an added optional field.
 */
public final class Releases {
  /** The field v2 adds to a record. */
  public static final String V2_FIELD = "traceId";

  private Releases() {}

  /** The released v1 schemas, by full name. */
  public static Map<String, Schema> v1() {
    return SchemaFiles.parse(
        Path.of("").toAbsolutePath().getParent().resolve("schemas/src/test/resources/released/v1"));
  }

  /** Bank {@code prefix}'s topics, writing {@code types} with their released v1 schemas. */
  @SafeVarargs
  public static BankTopics v1(String prefix, Class<? extends SpecificRecord>... types) {
    Map<String, Schema> v1 = v1();
    List<Schema> writers = new ArrayList<>();
    for (Class<? extends SpecificRecord> t : types) {
      writers.add(v1.get(SpecificData.get().getSchema(t).getFullName()));
    }
    return new BankTopics(prefix, SnapbankSerdes.create().writingWith(writers), 1);
  }

  /** Bank {@code prefix}'s topics, writing {@code types} with their v2 schemas. */
  @SafeVarargs
  public static BankTopics v2(String prefix, Class<? extends SpecificRecord>... types) {
    List<Schema> writers = new ArrayList<>();
    for (Class<? extends SpecificRecord> t : types) {
      writers.add(v2(t));
    }
    return new BankTopics(prefix, SnapbankSerdes.create().writingWith(writers), 1);
  }

  /** This release's schema of {@code type} with an added optional string field. */
  public static Schema v2(Class<? extends SpecificRecord> type) {
    return edit(
        type,
        fields -> {
          fields.add(
              new Schema.Field(
                  V2_FIELD,
                  Schema.createUnion(
                      Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                  "added in v2",
                  Schema.Field.NULL_DEFAULT_VALUE));
          return fields;
        });
  }

  /** This release's schema of {@code type} with {@code field} (a long) narrowed to an int. */
  public static Schema narrowed(Class<? extends SpecificRecord> type, String field) {
    return edit(
        type,
        fields -> {
          List<Schema.Field> out = new ArrayList<>();
          for (Schema.Field f : fields) {
            out.add(
                f.name().equals(field)
                    ? new Schema.Field(f.name(), Schema.create(Schema.Type.INT), f.doc(), 0)
                    : f);
          }
          return out;
        });
  }

  /** This release's schema of {@code type} without {@code field}. */
  public static Schema without(Class<? extends SpecificRecord> type, String field) {
    return edit(
        type,
        fields -> {
          fields.removeIf(f -> f.name().equals(field));
          return fields;
        });
  }

  private static Schema edit(
      Class<? extends SpecificRecord> type, UnaryOperator<List<Schema.Field>> change) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return Schema.createRecord(
        current.getName(), current.getDoc(), current.getNamespace(), false, change.apply(fields));
  }
}
