package io.snapbank.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.serde.AvroSerde;
import io.snapbank.schemas.serde.DecodeFailure;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.serde.SnapbankSerdes;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

/** Serdes that write with another release's schema and read any writer a schema store holds. */
class ResolvingSerdeTest {
  private static final Schema V1 = TestSchemas.v1().get("io.snapbank.schemas.ChannelRecord");
  private static final Schema V2 = TestSchemas.withOptionalField(ChannelRecord.class, "traceId");

  private static ChannelRecord transfer(long epoch) {
    return new ChannelRecord(
        1,
        2,
        17L,
        new Transfer("1-17", "n1-a000", "n2-a003", 250L, 1_700L),
        epoch,
        false,
        0,
        -1L,
        -1L,
        0L);
  }

  private static SchemaStore store(Schema... schemas) {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    for (Schema s : schemas) {
      cache.addSchema(s);
    }
    return cache;
  }

  @Test
  void when_records_are_written_with_v1_and_v2_then_a_reader_with_the_store_reads_both() {
    AvroSerde<ChannelRecord> current = AvroSerde.of(ChannelRecord.class);
    byte[] v1 = current.writingWith(V1).encode(transfer(0));
    byte[] v2 = current.writingWith(V2).encode(transfer(3));
    assertEquals(SchemaFingerprint.of(V1), SchemaFingerprint.ofPayload(v1).orElseThrow());
    assertEquals(SchemaFingerprint.of(V2), SchemaFingerprint.ofPayload(v2).orElseThrow());

    AvroSerde<ChannelRecord> reader = current.resolvingWith(store(V1, V2));
    assertEquals(transfer(0), reader.decode(v1), "v1 has no epoch: its default, 0");
    assertEquals(transfer(3), reader.decode(v2), "v2's extra field is skipped");
  }

  @Test
  void when_a_writer_schema_is_in_no_store_then_unknown_schema_with_its_fingerprint() {
    byte[] v2 = AvroSerde.of(ChannelRecord.class).writingWith(V2).encode(transfer(0));
    for (AvroSerde<ChannelRecord> reader :
        List.of(
            AvroSerde.of(ChannelRecord.class),
            AvroSerde.of(ChannelRecord.class).resolvingWith(store(V1)))) {
      RecordDecodingException e =
          assertThrows(RecordDecodingException.class, () -> reader.decode(v2));
      assertEquals(DecodeFailure.UNKNOWN_SCHEMA, e.failure());
      assertTrue(e.getMessage().contains(SchemaFingerprint.of(V2).hex()), e.getMessage());
    }
  }

  @Test
  void when_the_store_holds_the_fingerprint_of_another_record_then_it_is_not_used() {
    byte[] request =
        AvroSerde.of(SnapshotRequest.class)
            .encode(new SnapshotRequest(1L, List.of(), 1L, "", -1L, -1L));
    AvroSerde<ChannelRecord> reader =
        AvroSerde.of(ChannelRecord.class).resolvingWith(store(SnapshotRequest.getClassSchema()));
    RecordDecodingException e =
        assertThrows(RecordDecodingException.class, () -> reader.decode(request));
    assertEquals(DecodeFailure.UNKNOWN_SCHEMA, e.failure());
    assertTrue(e.getMessage().contains("schema store"), e.getMessage());
  }

  @Test
  void when_nested_records_lack_fields_in_the_writer_schema_then_they_get_the_readers_defaults() {
    Schema v1 = TestSchemas.v1().get("io.snapbank.schemas.LocalSnapshotReport");
    LocalSnapshotReport r =
        new LocalSnapshotReport(
            5L,
            1,
            10L,
            11L,
            12L,
            List.of(),
            List.of(new ChannelState(0, 1, 5L, 9L, 2L, 70L, 4L, 0, -1L)),
            List.of(),
            List.of(),
            7L,
            7L);
    AvroSerde<LocalSnapshotReport> serde = AvroSerde.of(LocalSnapshotReport.class);
    byte[] old = serde.writingWith(v1).encode(r);
    LocalSnapshotReport back = serde.resolvingWith(store(v1)).decode(old);
    assertEquals(-1L, back.getChannels().get(0).getSeqBefore(), "not recorded in v1");
    assertEquals(70L, back.getChannels().get(0).getSum());
    assertEquals(0L, back.getEpoch());
    assertNotEquals(r, back);
  }

  @Test
  void when_a_writer_schema_is_one_the_class_cannot_read_then_writing_with_it_is_refused() {
    Schema noSeq = TestSchemas.without(ChannelRecord.class, "seq");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AvroSerde.of(ChannelRecord.class).writingWith(noSeq));
    assertTrue(e.getMessage().contains("cannot be read as ChannelRecord"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AvroSerde.of(ChannelRecord.class).writingWith(SnapshotRequest.getClassSchema()));
  }

  @Test
  void when_serdes_write_with_other_schemas_then_they_keep_them_when_given_a_store() {
    SnapbankSerdes serdes =
        SnapbankSerdes.create().writingWith(List.of(V2)).resolvingWith(store(V1));
    assertEquals(V2, serdes.channelRecord().writerSchema());
    assertTrue(serdes.writerSchemas().contains(V2));
    assertEquals(
        SnapshotRequest.getClassSchema(), serdes.snapshotRequest().writerSchema(), "unchanged");
    assertEquals(
        transfer(2), serdes.channelRecord().decode(serdes.channelRecord().encode(transfer(2))));
  }
}
