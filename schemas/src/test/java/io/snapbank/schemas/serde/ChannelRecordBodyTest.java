package io.snapbank.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.Transfer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written ChannelRecord body against Avro's own single-object encoder: the same bytes for
 * random records with extreme values, each reads the other's, and a cut or corrupted payload fails
 * with the failure Avro's decoder gives.
 */
class ChannelRecordBodyTest {
  private static final long[] EDGES = {
    0,
    1,
    -1,
    63,
    64,
    -64,
    -65,
    127,
    128,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private final AvroSerde<ChannelRecord> serde = AvroSerde.of(ChannelRecord.class);

  @Test
  void when_records_are_encoded_then_the_bytes_are_avros_and_each_reads_the_other()
      throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      ChannelRecord r = random(rnd);
      byte[] ours = serde.encode(r);
      ByteBuffer avro = ChannelRecord.getEncoder().encode(r);
      byte[] theirs = new byte[avro.remaining()];
      avro.get(theirs);
      assertArrayEquals(theirs, ours, "record " + r);
      assertEquals(r, serde.decode(theirs));
      assertEquals(r, ChannelRecord.getDecoder().decode(ours));
    }
  }

  @Test
  void when_a_payload_is_cut_or_corrupted_then_the_failure_is_avros() throws Exception {
    Random rnd = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] good = serde.encode(random(rnd));
      for (int len = 10; len < good.length; len++) {
        byte[] cut = Arrays.copyOf(good, len);
        assertEquals(avroFailure(cut), failure(cut), "cut at " + len);
      }
      byte[] bad = good.clone();
      int at = 10 + rnd.nextInt(good.length - 10);
      bad[at] = (byte) rnd.nextInt(256);
      assertEquals(avroFailure(bad), failure(bad), "byte " + at + " of " + Arrays.toString(bad));
    }
  }

  @Test
  void when_the_union_index_names_no_branch_then_malformed() {
    ChannelRecord r = random(new Random(1));
    // sender, receiver and seq of this record are one byte each; the union index follows
    r.setSender(1);
    r.setReceiver(2);
    r.setSeq(3);
    byte[] b = serde.encode(r);
    b[13] = 4; // zig-zag 2: a third branch
    RecordDecodingException e = assertThrows(RecordDecodingException.class, () -> serde.decode(b));
    assertEquals(DecodeFailure.MALFORMED, e.failure());
  }

  private DecodeFailure failure(byte[] b) {
    try {
      serde.decode(b);
      return null;
    } catch (RecordDecodingException e) {
      return e.failure();
    }
  }

  /** What Avro's own decoder says of {@code b}: null when it reads a record. */
  private static DecodeFailure avroFailure(byte[] b) {
    try {
      ChannelRecord.getDecoder().decode(b);
      return null;
    } catch (java.io.EOFException e) {
      return DecodeFailure.TRUNCATED;
    } catch (Exception e) {
      return e.getCause() instanceof java.io.EOFException
          ? DecodeFailure.TRUNCATED
          : DecodeFailure.MALFORMED;
    }
  }

  private static ChannelRecord random(Random rnd) {
    Object body =
        rnd.nextBoolean()
            ? new Transfer(text(rnd), text(rnd), text(rnd), num(rnd), num(rnd))
            : new Marker(num(rnd));
    return new ChannelRecord(
        (int) num(rnd),
        (int) num(rnd),
        num(rnd),
        body,
        num(rnd),
        rnd.nextBoolean(),
        (int) num(rnd),
        num(rnd),
        num(rnd),
        num(rnd));
  }

  private static long num(Random rnd) {
    return switch (rnd.nextInt(3)) {
      case 0 -> EDGES[rnd.nextInt(EDGES.length)];
      case 1 -> rnd.nextInt(1000);
      default -> rnd.nextLong();
    };
  }

  private static String text(Random rnd) {
    String[] parts = {"", "n0-a001", "7-123456", "é", "€uro", "\uD83D\uDCB0", "x".repeat(200)};
    return parts[rnd.nextInt(parts.length)] + (rnd.nextBoolean() ? "" : rnd.nextInt(99));
  }
}
