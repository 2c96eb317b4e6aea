package io.snapbank.schemas.serde;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Copies a record into a generic record of another (compatible) schema of the same type, field by
 * field by name, at every level: fields the target schema lacks are left out, fields only the
 * target schema has take their default. This is how a serde writes with another release's schema
 * than its generated class's. Pure.
 */
final class WriterConversion {
  private WriterConversion() {}

  /** {@code value} as a datum of {@code target}. */
  static Object convert(Object value, Schema target) {
    return switch (target.getType()) {
      case RECORD -> record((IndexedRecord) value, target);
      case UNION -> convert(value, target.getTypes().get(branch(target, value)));
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Object item : (Collection<?>) value) {
          out.add(convert(item, target.getElementType()));
        }
        yield new GenericData.Array<>(target, out);
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> out.put(k, convert(v, target.getValueType())));
        yield out;
      }
      case ENUM -> new GenericData.EnumSymbol(target, value.toString());
      default -> value;
    };
  }

  private static IndexedRecord record(IndexedRecord in, Schema target) {
    Schema source = in.getSchema();
    GenericData.Record out = new GenericData.Record(target);
    for (Schema.Field f : target.getFields()) {
      Schema.Field from = source.getField(f.name());
      if (from != null) {
        out.put(f.pos(), convert(in.get(from.pos()), f.schema()));
      } else if (f.hasDefaultValue()) {
        out.put(f.pos(), GenericData.get().getDefaultValue(f));
      } else {
        throw new IllegalArgumentException(
            "field "
                + target.getFullName()
                + "."
                + f.name()
                + " has no default and "
                + source.getFullName()
                + " has no value for it");
      }
    }
    return out;
  }

  private static int branch(Schema union, Object value) {
    List<Schema> types = union.getTypes();
    for (int i = 0; i < types.size(); i++) {
      Schema t = types.get(i);
      boolean match =
          switch (t.getType()) {
            case NULL -> value == null;
            case RECORD ->
                value instanceof IndexedRecord r
                    && r.getSchema().getFullName().equals(t.getFullName());
            case ENUM ->
                (value instanceof Enum<?> || value instanceof GenericEnumSymbol<?>)
                    && t.hasEnumSymbol(value.toString());
            default -> false;
          };
      if (match) {
        return i;
      }
    }
    return GenericData.get().resolveUnion(union, value);
  }
}
