package io.snapbank.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * Parses a directory of .avsc files (common.avsc first, as the build does) into named record
 * schemas.
 */
final class SchemaFiles {
  private SchemaFiles() {}

  static Map<String, Schema> parse(Path dir) {
    Schema.Parser parser = new Schema.Parser();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> f.toString().endsWith(".avsc")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(
        (a, b) ->
            a.getFileName().toString().equals("common.avsc")
                ? -1
                : b.getFileName().toString().equals("common.avsc") ? 1 : a.compareTo(b));
    for (Path f : files) {
      try {
        parser.parse(f.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, Schema> out = new TreeMap<>();
    for (Schema s : parser.getTypes().values()) {
      if (s.getType() == Schema.Type.RECORD) {
        out.put(s.getFullName(), s);
      }
    }
    return out;
  }
}
