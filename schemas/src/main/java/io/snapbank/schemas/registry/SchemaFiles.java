package io.snapbank.schemas.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Reads a directory of {@code .avsc} files, as the build does: one parser for all of them, so a
 * file may use the named types of another (files that use types defined later are parsed again
 * after the others).
 */
public final class SchemaFiles {
  private SchemaFiles() {}

  /**
   * Every named record of the {@code .avsc} files of {@code dir}, by full name. Throws {@link
   * IllegalArgumentException} with one line naming the file when the directory has no such files or
   * a file is not a valid schema.
   */
  public static Map<String, Schema> parse(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    List<Path> pending = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().forEach(pending::add);
      // as the build does: common.avsc (the shared types) first
      pending.sort(
          (a, b) ->
              Boolean.compare(
                  !a.getFileName().toString().equals("common.avsc"),
                  !b.getFileName().toString().equals("common.avsc")));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    if (pending.isEmpty()) {
      throw new IllegalArgumentException("no .avsc files in " + dir);
    }
    for (int round = 0; ; round++) {
      Schema.Parser parser = new Schema.Parser();
      Path failed = null;
      String why = null;
      for (Path f : pending) {
        try {
          parser.parse(f.toFile());
        } catch (AvroRuntimeException e) { // a syntax error, or a type defined later
          failed = f;
          why = oneLine(e);
          break;
        } catch (IOException e) {
          throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
      }
      if (failed == null) {
        try {
          return records(parser.getTypes().values());
        } catch (AvroRuntimeException e) {
          throw new IllegalArgumentException(
              dir + " holds no valid set of Avro schemas: " + oneLine(e), e);
        }
      }
      if (round >= pending.size()) {
        throw new IllegalArgumentException(failed + " is not a valid Avro schema: " + why);
      }
      pending.remove(failed); // it may use a type of a file after it: parse it last
      pending.add(failed);
    }
  }

  /** The records of {@code schemas} that no other of them contains: the subjects of a set. */
  public static Map<String, Schema> topLevel(Map<String, Schema> schemas) {
    Set<String> nested = new HashSet<>();
    for (Schema s : schemas.values()) {
      for (Schema.Field f : s.getFields()) {
        collect(f.schema(), nested, new HashSet<>());
      }
    }
    Map<String, Schema> out = new TreeMap<>(schemas);
    out.keySet().removeAll(nested);
    return out;
  }

  private static void collect(Schema s, Set<String> names, Set<String> seen) {
    switch (s.getType()) {
      case RECORD -> {
        names.add(s.getFullName());
        if (seen.add(s.getFullName())) {
          s.getFields().forEach(f -> collect(f.schema(), names, seen));
        }
      }
      case ARRAY -> collect(s.getElementType(), names, seen);
      case MAP -> collect(s.getValueType(), names, seen);
      case UNION -> s.getTypes().forEach(t -> collect(t, names, seen));
      default -> {
        // primitives, enums and fixed are not subjects
      }
    }
  }

  private static String oneLine(Exception e) {
    return String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
  }

  private static Map<String, Schema> records(Iterable<Schema> types) {
    Map<String, Schema> out = new TreeMap<>();
    for (Schema s : types) {
      if (s.getType() == Schema.Type.RECORD) {
        out.put(s.getFullName(), s);
      }
    }
    return out;
  }
}
