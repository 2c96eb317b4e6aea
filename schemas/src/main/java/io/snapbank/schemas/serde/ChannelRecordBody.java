package io.snapbank.schemas.serde;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.Transfer;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Avro binary body of a {@link ChannelRecord} in this release's schema, written and read by
 * hand: the bytes are exactly Avro's (zig-zag varints, length-prefixed UTF-8 strings, a union index
 * before the body), so any Avro reader reads them and this reads any Avro writer's, without Avro's
 * per-field generic get/put and boxing on the path every transfer takes twice. Used by {@link
 * AvroSerde} only for payloads whose writer schema is this release's own; a body it cannot read
 * throws {@link EOFException} (cut short) or {@link IOException} (malformed), as Avro's decoder
 * does. Stateless.
 */
final class ChannelRecordBody implements AvroSerde.BodyCodec<ChannelRecord> {
  static final ChannelRecordBody INSTANCE = new ChannelRecordBody();

  private ChannelRecordBody() {}

  @Override
  public byte[] encode(ChannelRecord r, byte[] header) {
    Writer w = new Writer(header);
    w.varint(zigzag(r.getSender()));
    w.varint(zigzag(r.getReceiver()));
    w.varint(zigzag(r.getSeq()));
    Object body = r.getBody();
    if (body instanceof Transfer t) {
      w.varint(0);
      w.string(t.getTransferId());
      w.string(t.getFromAccount());
      w.string(t.getToAccount());
      w.varint(zigzag(t.getAmount()));
      w.varint(zigzag(t.getSentAtMs()));
    } else if (body instanceof Marker m) {
      w.varint(zigzag(1));
      w.varint(zigzag(m.getSnapshotId()));
    } else {
      throw new IllegalArgumentException(
          "a ChannelRecord body must be a Transfer or a Marker, not " + body);
    }
    w.varint(zigzag(r.getEpoch()));
    w.put(r.getFinal$() ? 1 : 0);
    w.varint(zigzag(r.getLane()));
    w.varint(zigzag(r.getColour()));
    w.varint(zigzag(r.getSentCount()));
    w.varint(zigzag(r.getSentSum()));
    return Arrays.copyOf(w.bytes, w.length);
  }

  @Override
  public ChannelRecord decode(byte[] b, int from) throws IOException {
    Reader r = new Reader(b, from);
    int sender = r.readInt();
    int receiver = r.readInt();
    long seq = r.readLong();
    int branch = r.readInt();
    Object body;
    if (branch == 0) {
      body =
          new Transfer(r.readString(), r.readString(), r.readString(), r.readLong(), r.readLong());
    } else if (branch == 1) {
      body = new Marker(r.readLong());
    } else {
      throw new IOException("union index " + branch + " is not a branch of ChannelRecord.body");
    }
    long epoch = r.readLong();
    boolean fin = r.readBoolean();
    int lane = r.readInt();
    long colour = r.readLong();
    long sentCount = r.readLong();
    long sentSum = r.readLong();
    return new ChannelRecord(
        sender, receiver, seq, body, epoch, fin, lane, colour, sentCount, sentSum);
  }

  private static long zigzag(long n) {
    return (n << 1) ^ (n >> 63);
  }

  /** A growing byte array that starts with the single-object header. */
  private static final class Writer {
    byte[] bytes;
    int length;

    Writer(byte[] header) {
      bytes = Arrays.copyOf(header, header.length + 96);
      length = header.length;
    }

    /** Grows the array, if needed, so that {@code n} more bytes fit. */
    void ensure(int n) {
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
      }
    }

    void put(int b) {
      ensure(1);
      bytes[length++] = (byte) b;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        bytes[length++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[length++] = (byte) v;
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(zigzag(utf8.length));
      ensure(utf8.length);
      System.arraycopy(utf8, 0, bytes, length, utf8.length);
      length += utf8.length;
    }
  }

  /** Reads Avro's binary primitives from a byte array, as Avro's binary decoder does. */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    private int next() throws EOFException {
      if (pos >= b.length) {
        throw new EOFException();
      }
      return b[pos++] & 0xFF;
    }

    int readInt() throws IOException {
      int raw = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int x = next();
        raw |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new IOException("Invalid int encoding");
    }

    long readLong() throws IOException {
      long raw = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        long x = next();
        raw |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new IOException("Invalid long encoding");
    }

    boolean readBoolean() throws EOFException {
      return next() == 1;
    }

    String readString() throws IOException {
      long n = readLong();
      if (n < 0) {
        throw new IOException("Malformed data. Length is negative: " + n);
      }
      if (n > b.length - pos) {
        throw new EOFException();
      }
      String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
      pos += (int) n;
      return s;
    }
  }
}
