package io.snapbank.schemas.serde;

import io.snapbank.schemas.ChannelRecord;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro class, using Avro single-object encoding: a two-byte marker,
 * the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary record. Thread-safe.
 * Serializing {@code null} gives {@code null} (a tombstone); deserializing {@code null} gives
 * {@code null}. Any other undecodable payload throws {@link RecordDecodingException} with a {@link
 * DecodeFailure}, never a partially filled record.
 *
 * <p>It reads records written with the class's own schema and, when it has a schema store ({@link
 * #resolvingWith}), with any schema of the same record that the store holds (asked for by the
 * fingerprint in the record's header): Avro resolves the writer's schema into the class's (fields
 * the class lacks are skipped, fields the writer lacks take their defaults). It writes with the
 * class's schema, or with another compatible schema of the same record ({@link #writingWith}), as
 * another release would.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  /** Encodes a value into a single-object payload. */
  private interface Encoding<T> {
    ByteBuffer encode(T value) throws IOException;
  }

  /**
   * Writes and reads the body of one record type in the class's own schema by hand, byte for byte
   * as Avro would (see {@link ChannelRecordBody}); for the types every transfer passes through.
   */
  interface BodyCodec<T> {
    /** {@code header} followed by the binary body of {@code value}. */
    byte[] encode(T value, byte[] header);

    /** The record whose binary body starts at {@code from}. */
    T decode(byte[] bytes, int from) throws IOException;
  }

  /** Length of the single-object header: the marker {@code C3 01} and the fingerprint. */
  private static final int HEADER = 10;

  private final Class<T> type;
  private final Schema readerSchema;
  private final Schema writerSchema;
  private final SchemaStore store;
  private final List<Schema> alsoRead;
  private final Encoding<T> encoding;
  private final BinaryMessageDecoder<T> decoder;
  private final Set<Long> known = ConcurrentHashMap.newKeySet();
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;
  private final long ownFingerprint;
  private final byte[] ownHeader;
  private final BodyCodec<T> body;
  private final boolean writesOwn;

  private AvroSerde(
      Class<T> type,
      Schema readerSchema,
      Schema writerSchema,
      SchemaStore store,
      List<Schema> also) {
    this.type = type;
    this.readerSchema = readerSchema;
    this.writerSchema = writerSchema;
    this.store = store;
    this.alsoRead = new CopyOnWriteArrayList<>(also);
    SpecificData model = SpecificData.getForClass(type);
    if (sameSchema(readerSchema, writerSchema)) {
      BinaryMessageEncoder<T> own = new BinaryMessageEncoder<>(model, readerSchema);
      this.encoding = own::encode;
    } else {
      BinaryMessageEncoder<Object> other =
          new BinaryMessageEncoder<>(GenericData.get(), writerSchema);
      this.encoding = value -> other.encode(WriterConversion.convert(value, writerSchema));
    }
    // no resolver inside Avro's decoder: the store is asked before a decode starts (see decode)
    this.decoder = new BinaryMessageDecoder<>(model, readerSchema);
    known.add(SchemaNormalization.parsingFingerprint64(readerSchema));
    if (!sameSchema(readerSchema, writerSchema)) {
      decoder.addSchema(writerSchema);
      known.add(SchemaNormalization.parsingFingerprint64(writerSchema));
    }
    alsoRead.forEach(this::learn);
    this.ownFingerprint = SchemaNormalization.parsingFingerprint64(readerSchema);
    this.ownHeader = header(ownFingerprint);
    this.body = bodyCodec(type, readerSchema);
    this.writesOwn = sameSchema(readerSchema, writerSchema);
    this.serializer = (topic, value) -> encode(value);
    this.deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  @SuppressWarnings("unchecked")
  private static <T> BodyCodec<T> bodyCodec(Class<T> type, Schema schema) {
    boolean own =
        SchemaNormalization.parsingFingerprint64(schema)
            == SchemaNormalization.parsingFingerprint64(ChannelRecord.getClassSchema());
    return type == ChannelRecord.class && own ? (BodyCodec<T>) ChannelRecordBody.INSTANCE : null;
  }

  private static byte[] header(long fingerprint) {
    byte[] h = new byte[HEADER];
    h[0] = (byte) 0xC3;
    h[1] = (byte) 0x01;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  private static boolean sameSchema(Schema a, Schema b) {
    return SchemaNormalization.parsingFingerprint64(a)
        == SchemaNormalization.parsingFingerprint64(b);
  }

  /** A serde for the generated class {@code type}, reading and writing its own schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    return new AvroSerde<>(type, schema, schema, null, List.of());
  }

  /**
   * Also accept payloads written with {@code olderSchema} (an earlier version of this record), so
   * readers keep working across compatible schema changes.
   */
  public AvroSerde<T> alsoReading(Schema olderSchema) {
    alsoRead.add(olderSchema);
    learn(olderSchema);
    return this;
  }

  private void learn(Schema writer) {
    decoder.addSchema(writer);
    known.add(SchemaNormalization.parsingFingerprint64(writer));
  }

  /**
   * This serde, resolving writer schemas it does not know through {@code store} (schemas of other
   * records that the store returns are not used). A store that cannot be read throws its own
   * exception out of {@link #decode}: the record is not known to be bad, only not readable now.
   */
  public AvroSerde<T> resolvingWith(SchemaStore store) {
    return new AvroSerde<>(type, readerSchema, writerSchema, store, alsoRead);
  }

  /**
   * This serde, writing with {@code writer}, another schema of the same record whose records the
   * class can read (another release's schema); reading is unchanged. Throws {@link
   * IllegalArgumentException} for a schema of another record or one the class cannot read.
   */
  public AvroSerde<T> writingWith(Schema writer) {
    if (!writer.getFullName().equals(readerSchema.getFullName())) {
      throw new IllegalArgumentException(
          "a " + writer.getFullName() + " schema cannot write " + readerSchema.getFullName());
    }
    var compat = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new IllegalArgumentException(
          "records written with this "
              + writer.getFullName()
              + " schema cannot be read as "
              + type.getSimpleName()
              + ": "
              + compat.getDescription());
    }
    return new AvroSerde<>(type, readerSchema, writer, store, alsoRead);
  }

  public Class<T> type() {
    return type;
  }

  /** The schema records are read into: the generated class's. */
  public Schema readerSchema() {
    return readerSchema;
  }

  /**
   * The schema records are written with: the class's, unless {@link #writingWith} chose another.
   */
  public Schema writerSchema() {
    return writerSchema;
  }

  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    try {
      if (body != null && writesOwn) {
        return body.encode(value, ownHeader);
      }
      ByteBuffer buffer = encoding.encode(value);
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Decodes a payload; throws {@link RecordDecodingException} when it is not a valid record. */
  public T decode(byte[] bytes) {
    String name = type.getSimpleName();
    if (bytes == null || bytes.length == 0) {
      throw new RecordDecodingException(DecodeFailure.EMPTY, name, "no bytes", null);
    }
    try {
      if (body != null
          && bytes.length >= HEADER
          && fingerprint(bytes) == ownFingerprint
          && bytes[0] == (byte) 0xC3
          && bytes[1] == (byte) 0x01) {
        return body.decode(bytes, HEADER);
      }
      resolve(bytes);
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new RecordDecodingException(DecodeFailure.UNKNOWN_SCHEMA, name, unknown(bytes), e);
    } catch (BadHeaderException e) {
      DecodeFailure f = bytes.length < 10 ? DecodeFailure.TRUNCATED : DecodeFailure.BAD_HEADER;
      if (bytes.length >= 2 && (bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01)) {
        f = DecodeFailure.BAD_HEADER;
      }
      throw new RecordDecodingException(f, name, e.getMessage(), e);
    } catch (EOFException e) {
      throw new RecordDecodingException(DecodeFailure.TRUNCATED, name, "payload ends early", e);
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | NegativeArraySizeException
        | ClassCastException
        | IllegalArgumentException e) {
      if (e.getCause() instanceof EOFException) {
        throw new RecordDecodingException(DecodeFailure.TRUNCATED, name, "payload ends early", e);
      }
      throw new RecordDecodingException(
          DecodeFailure.MALFORMED, name, String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * Asks the store for a writer schema this serde does not know yet, before Avro decodes: Avro's
   * message decoders share per-thread buffers, so a store that reads its own records must not be
   * asked from inside a decode (as Avro's resolver callback would). Misses are not remembered: a
   * schema registered later is found then. Schemas of other records are not used.
   */
  private void resolve(byte[] bytes) {
    if (store == null
        || bytes.length < HEADER
        || bytes[0] != (byte) 0xC3
        || bytes[1] != (byte) 0x01) {
      return;
    }
    long fp = fingerprint(bytes);
    if (known.contains(fp)) {
      return;
    }
    Schema writer = store.findByFingerprint(fp);
    if (writer != null && writer.getFullName().equals(readerSchema.getFullName())) {
      learn(writer);
    }
  }

  private static long fingerprint(byte[] bytes) {
    long fp = 0;
    for (int i = HEADER - 1; i >= 2; i--) {
      fp = (fp << 8) | (bytes[i] & 0xFFL);
    }
    return fp;
  }

  private String unknown(byte[] bytes) {
    long fp = fingerprint(bytes);
    return String.format(
        "writer schema %016x is not a %s schema that this release knows%s",
        fp, readerSchema.getName(), store == null ? "" : " or that the schema store holds");
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
