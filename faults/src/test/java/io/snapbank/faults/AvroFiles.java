package io.snapbank.faults;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Avro single-object encoded payloads ({@code C3 01}, the writer schema's 8-byte
 * little-endian CRC-64-AVRO fingerprint, the binary body) into generic records, knowing the writer
 * schemas from the {@code .avsc} files alone.
 */
final class AvroFiles {
  private static final int HEADER = 10;
  private final Map<Long, Schema> byFingerprint = new HashMap<>();

  /** The schemas of every {@code .avsc} file in {@code dir} ({@code common.avsc} first). */
  AvroFiles(Path dir) throws IOException {
    List<File> pending = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".avsc"))
          .sorted((a, b) -> a.endsWith("common.avsc") ? -1 : b.endsWith("common.avsc") ? 1 : 0)
          .forEach(p -> pending.add(p.toFile()));
    }
    Schema.Parser parser = new Schema.Parser();
    for (int round = 0; !pending.isEmpty(); round++) {
      if (round > 20) {
        throw new IOException("unresolvable schemas: " + pending);
      }
      for (File f : List.copyOf(pending)) {
        try {
          add(parser.parse(f));
          pending.remove(f);
        } catch (org.apache.avro.SchemaParseException e) {
          // names another file's type not parsed yet: next round
        }
      }
    }
  }

  private void add(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      s.getTypes().forEach(this::add);
    } else if (s.getType() == Schema.Type.RECORD) {
      byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
    }
  }

  /** The record in {@code bytes}; throws IllegalArgumentException saying why it is not one. */
  GenericRecord decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER) {
      throw new IllegalArgumentException("shorter than the single-object header");
    }
    if (bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      throw new IllegalArgumentException("no single-object marker C3 01");
    }
    long fp = 0;
    for (int i = 9; i >= 2; i--) {
      fp = (fp << 8) | (bytes[i] & 0xFF);
    }
    Schema writer = byFingerprint.get(fp);
    if (writer == null) {
      throw new IllegalArgumentException("unknown writer fingerprint " + Long.toHexString(fp));
    }
    try {
      BinaryDecoder in =
          DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
      GenericRecord r = new GenericDatumReader<GenericRecord>(writer).read(null, in);
      if (!in.isEnd()) {
        throw new IllegalArgumentException("bytes left after the record");
      }
      return r;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("undecodable: " + e, e);
    }
  }
}
