package io.snapbank.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelCount;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.ChannelRecording;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.DeepAudit;
import io.snapbank.schemas.GenesisAccount;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.LocalSnapshotReport;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.NodeCheckpoint;
import io.snapbank.schemas.NodeFigure;
import io.snapbank.schemas.OpenSnapshot;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.Transfer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private static final SnapbankSerdes SERDES = SnapbankSerdes.create();

  private static <T extends SpecificRecord> void roundTrip(AvroSerde<T> serde, T value) {
    byte[] bytes = serde.serializer().serialize("t", value);
    assertEquals(value, serde.deserializer().deserialize("t", bytes));
  }

  static ChannelRecord transfer() {
    return new ChannelRecord(
        1,
        2,
        17L,
        new Transfer("1-17", "n1-a000", "n2-a003", 250L, 1_700_000_000_000L),
        0L,
        false,
        0,
        -1L,
        -1L,
        0L);
  }

  @Test
  void when_every_record_type_is_encoded_then_it_decodes_equal() {
    roundTrip(SERDES.channelRecord(), transfer());
    roundTrip(
        SERDES.channelRecord(),
        new ChannelRecord(1, 2, 18L, new Marker(99L), 0L, false, 0, -1L, -1L, 0L));
    roundTrip(SERDES.snapshotRequest(), new SnapshotRequest(5L, List.of(0, 2), 10L, "cli", 3L, 4L));
    roundTrip(SERDES.snapshotAbort(), new SnapshotAbort(5L, "timeout", 11L));
    ChannelState c = new ChannelState(0, 1, 5L, 9L, 2L, 70L, 4L, 0, -1L);
    roundTrip(
        SERDES.localSnapshotReport(),
        new LocalSnapshotReport(
            5L,
            1,
            10L,
            11L,
            12L,
            List.of(new AccountBalance("a", 3L)),
            List.of(c),
            List.of(),
            List.of(),
            0L,
            0L));
    AuditReport audit =
        new AuditReport(
            5L,
            AuditStatus.CONSISTENT,
            100L,
            30L,
            70L,
            0L,
            List.of(new NodeFigure(1, 30L, 1, List.of(new AccountBalance("a", 30L)))),
            List.of(c),
            List.of(),
            List.of(),
            10L,
            12L,
            2L,
            null,
            0L,
            0L,
            "",
            List.of(1),
            -1L,
            1);
    roundTrip(SERDES.auditReport(), audit);
    AuditReport deep =
        AuditReport.newBuilder(audit)
            .setDeepAudit(
                new DeepAudit(true, List.of(new InFlightTransfer(0, 1, 6L, "0-1", 70L)), List.of()))
            .build();
    roundTrip(SERDES.auditReport(), deep);
    roundTrip(SERDES.balanceChange(), new BalanceChange(1, "a", 30L, 12L));
    roundTrip(
        SERDES.bankGenesis(),
        new BankGenesis(
            2,
            10L,
            List.of(new GenesisAccount(0, "a", 10L)),
            1L,
            "",
            1,
            io.snapbank.schemas.ChannelOrder.FIFO,
            1));
    roundTrip(
        SERDES.nodeCheckpoint(),
        new NodeCheckpoint(
            1,
            7L,
            List.of(new AccountBalance("a", 3L)),
            Map.of("0", 4L),
            Map.of("0", 5L),
            Map.of("0", 40L),
            List.of(
                new OpenSnapshot(
                    5L,
                    1L,
                    2L,
                    List.of(new AccountBalance("a", 3L)),
                    List.of(new ChannelRecording(0, false, 40L, -1L, 1L, 5L, 4L, 0, -1L)),
                    List.of(),
                    List.of())),
            List.of(1L, 2L),
            Map.of("sent", 9L),
            13L,
            List.of(new ChannelCount(0, 3L, 90L)),
            List.of(new ChannelCount(0, 2L, 40L)),
            12L,
            0L,
            0L,
            List.of(),
            List.of(),
            "ACTIVE",
            List.of(),
            new java.util.ArrayList<>(),
            new java.util.ArrayList<>(),
            "FIFO",
            -1L,
            -1L,
            new java.util.HashMap<>(),
            "instance 0a1b2c3d (pid 7 on host)"));
    roundTrip(
        SERDES.quarantineEnvelope(),
        new QuarantineEnvelope(
            "UNDECODABLE",
            "bad",
            "t",
            1,
            2L,
            null,
            ByteBuffer.wrap(new byte[] {1, 2}),
            "node-1",
            3L));
  }

  @Test
  void when_payload_is_null_or_empty_then_null_or_empty_failure() {
    assertNull(SERDES.channelRecord().deserializer().deserialize("t", null));
    RecordDecodingException e =
        assertThrows(
            RecordDecodingException.class, () -> SERDES.channelRecord().decode(new byte[0]));
    assertEquals(DecodeFailure.EMPTY, e.failure());
  }

  @Test
  void when_payload_is_garbage_then_bad_header() {
    Random random = new Random(42);
    for (int i = 0; i < 100; i++) {
      byte[] junk = new byte[1 + random.nextInt(64)];
      random.nextBytes(junk);
      junk[0] = (byte) (junk[0] == (byte) 0xC3 ? 0 : junk[0]);
      RecordDecodingException e =
          assertThrows(RecordDecodingException.class, () -> SERDES.channelRecord().decode(junk));
      assertTrue(
          e.failure() == DecodeFailure.BAD_HEADER || e.failure() == DecodeFailure.TRUNCATED,
          e.failure().name());
    }
  }

  @Test
  void when_payload_is_another_record_type_then_unknown_schema() {
    byte[] request =
        SERDES.snapshotRequest().encode(new SnapshotRequest(1L, List.of(), 1L, "", -1L, -1L));
    RecordDecodingException e =
        assertThrows(RecordDecodingException.class, () -> SERDES.channelRecord().decode(request));
    assertEquals(DecodeFailure.UNKNOWN_SCHEMA, e.failure());
    assertTrue(e.getMessage().startsWith("ChannelRecord: UNKNOWN_SCHEMA"), e.getMessage());
  }

  @Test
  void when_payload_is_cut_anywhere_then_typed_failure_never_a_record() {
    byte[] full = SERDES.channelRecord().encode(transfer());
    for (int len = 1; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      try {
        ChannelRecord r = SERDES.channelRecord().decode(cut);
        fail("a payload cut to " + len + " of " + full.length + " bytes decoded to " + r);
      } catch (RecordDecodingException e) {
        if (len < 10) {
          assertTrue(
              e.failure() == DecodeFailure.TRUNCATED || e.failure() == DecodeFailure.BAD_HEADER,
              len + ": " + e.failure());
        } else {
          assertTrue(
              e.failure() == DecodeFailure.TRUNCATED || e.failure() == DecodeFailure.MALFORMED,
              len + ": " + e.failure());
        }
      }
    }
  }

  @Test
  void when_body_is_corrupted_then_malformed_or_truncated() {
    byte[] full = SERDES.channelRecord().encode(transfer());
    byte[] bad = full.clone();
    bad[10 + 3] = (byte) 0x7F; // union index far out of range
    for (int i = 14; i < bad.length; i++) {
      bad[i] = (byte) 0xFF;
    }
    RecordDecodingException e =
        assertThrows(RecordDecodingException.class, () -> SERDES.channelRecord().decode(bad));
    assertTrue(
        e.failure() == DecodeFailure.MALFORMED || e.failure() == DecodeFailure.TRUNCATED,
        e.failure().name());
  }
}
