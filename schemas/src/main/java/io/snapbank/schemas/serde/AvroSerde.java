package io.snapbank.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro class, using Avro single-object encoding: a two-byte marker,
 * the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary record. Immutable and
 * thread-safe. Serializing {@code null} gives {@code null} (a tombstone); deserializing {@code
 * null} gives {@code null}. Any other undecodable payload throws {@link RecordDecodingException}
 * with a {@link DecodeFailure}, never a partially filled record.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private AvroSerde(Class<T> type, Schema schema) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    this.serializer = (topic, value) -> encode(value);
    this.deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  /** A serde for the generated class {@code type}, reading and writing its own schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type, SpecificData.get().getSchema(type));
  }

  /**
   * Also accept payloads written with {@code olderSchema} (an earlier version of this record), so
   * readers keep working across compatible schema changes.
   */
  public AvroSerde<T> alsoReading(Schema olderSchema) {
    decoder.addSchema(olderSchema);
    return this;
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(value);
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
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new RecordDecodingException(DecodeFailure.UNKNOWN_SCHEMA, name, e.getMessage(), e);
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

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
