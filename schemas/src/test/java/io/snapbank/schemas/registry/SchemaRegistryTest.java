package io.snapbank.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.SchemaVersion;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.serde.AvroSerde;
import io.snapbank.schemas.serde.DecodeFailure;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The schema store on a real broker: registration, refusal, resolution at run time. */
class SchemaRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Schema CURRENT = ChannelRecord.getClassSchema();
  private static final Schema V1 = TestSchemas.v1().get("io.snapbank.schemas.ChannelRecord");
  private static final Schema V2 = TestSchemas.withOptionalField(ChannelRecord.class, "traceId");

  private static SchemaRegistry registry(BankTopics topics) {
    return new SchemaRegistry(TestKafka.bootstrap(), Map.of(), topics);
  }

  private static long end(BankTopics topics) {
    try (PartitionScanner s = new PartitionScanner(TestKafka.bootstrap(), Map.of())) {
      return s.end(new TopicPartition(topics.schemas().name(), 0), WAIT);
    }
  }

  private static void writeRaw(BankTopics topics, String key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(TestKafka.bootstrap(), Map.of())) {
      p.send(
              new ProducerRecord<>(
                  topics.schemas().name(), 0, key.getBytes(StandardCharsets.UTF_8), value))
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void when_the_bank_s_schemas_are_registered_twice_then_the_second_time_writes_nothing() {
    BankTopics topics = BankTopics.of("registry-twice");
    SchemaRegistry.Registration first = registry(topics).registerWriters("init", List.of());
    assertEquals(topics.serdes().writerSchemas().size() + 1, first.added().size(), "and its own");
    assertTrue(first.added().stream().allMatch(r -> r.version() == 1), first.added().toString());
    long end = end(topics);

    SchemaRegistry.Registration again = registry(topics).registerWriters("node-0", List.of());
    assertEquals(List.of(), again.added());
    assertEquals(first.added(), again.existing());
    assertEquals(end, end(topics), "nothing was written");
    SchemaRegistry.Listing listing = registry(topics).list();
    assertEquals(first.added(), listing.schemas());
    assertEquals(List.of(), listing.unreadable());
  }

  @Test
  void when_compatible_versions_are_registered_then_they_are_numbered_and_all_readable() {
    BankTopics topics = BankTopics.of("registry-versions");
    registry(topics).register(List.of(V1), "v1 node");
    registry(topics).register(List.of(CURRENT), "current node");
    SchemaRegistry.Registration v2 = registry(topics).register(List.of(V2), "v2 node");
    assertEquals(1, v2.added().size());
    assertEquals(3, v2.added().get(0).version());
    assertEquals("v2 node", v2.added().get(0).registeredBy());

    List<SchemaCheck> checks = registry(topics).check(List.of(V1, V2));
    assertEquals(SchemaCheck.Status.REGISTERED, checks.get(0).status());
    assertEquals("registered as version 3", checks.get(1).detail());
  }

  @Test
  void
      when_a_schema_removes_a_required_field_then_registration_is_refused_and_nothing_is_written() {
    BankTopics topics = BankTopics.of("registry-refused");
    registry(topics).register(List.of(CURRENT), "node-0");
    long end = end(topics);
    Schema noSeq = TestSchemas.without(ChannelRecord.class, "seq");
    IncompatibleSchemaException e =
        assertThrows(
            IncompatibleSchemaException.class,
            () -> registry(topics).register(List.of(V2, noSeq), "bad release"));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(
        e.getMessage().contains("readers of version 1 cannot read its records"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was registered"), e.getMessage());
    assertEquals(end, end(topics), "not even the compatible v2 was written");
    assertEquals(1, registry(topics).list().schemas().size());
  }

  @Test
  void when_processes_register_new_versions_at_once_then_no_two_get_the_same_version()
      throws Exception {
    BankTopics topics = BankTopics.of("registry-race");
    registry(topics).register(List.of(CURRENT), "init");
    List<Schema> versions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      versions.add(TestSchemas.withOptionalField(ChannelRecord.class, "extra" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<SchemaRegistry.Registration>> done = new ArrayList<>();
      for (Schema s : versions) {
        done.add(pool.submit(() -> registry(topics).register(List.of(s), "racer")));
      }
      for (Future<SchemaRegistry.Registration> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Integer> numbers = new ArrayList<>();
    registry(topics).list().schemas().forEach(r -> numbers.add(r.version()));
    Collections.sort(numbers);
    assertEquals(List.of(1, 2, 3, 4, 5), numbers);
  }

  @Test
  void when_a_newer_writer_registers_after_a_reader_started_then_the_reader_resolves_its_records() {
    BankTopics topics = BankTopics.of("registry-late");
    registry(topics).registerWriters("init", List.of());
    try (KafkaSchemaStore store = new KafkaSchemaStore(TestKafka.bootstrap(), Map.of(), topics)) {
      BankTopics reader = topics.resolvingWith(store);
      ChannelRecord marker =
          new ChannelRecord(0, 1, 1L, new Marker(9L), 0L, false, 0, -1L, -1L, 0L);
      assertEquals(marker, reader.transfers(0).decode(topics.transfers(0).encode(marker)));

      byte[] v2 = AvroSerde.of(ChannelRecord.class).writingWith(V2).encode(marker);
      // a newer release starts: it registers before its first record
      registry(topics).register(List.of(V2), "node-1 (v2)");
      assertEquals(marker, reader.transfers(0).decode(v2));

      byte[] unknown =
          AvroSerde.of(ChannelRecord.class)
              .writingWith(TestSchemas.withOptionalField(ChannelRecord.class, "never"))
              .encode(marker);
      RecordDecodingException e =
          assertThrows(RecordDecodingException.class, () -> reader.transfers(0).decode(unknown));
      assertEquals(DecodeFailure.UNKNOWN_SCHEMA, e.failure());
      assertTrue(e.getMessage().contains("or that the schema store holds"), e.getMessage());
    }
  }

  @Test
  void when_the_store_is_the_resolver_of_avro_s_own_decoder_then_late_schemas_resolve() {
    BankTopics topics = BankTopics.of("registry-avro-resolver");
    registry(topics).register(List.of(CURRENT), "init");
    try (KafkaSchemaStore store = new KafkaSchemaStore(TestKafka.bootstrap(), Map.of(), topics)) {
      BinaryMessageDecoder<ChannelRecord> avro =
          new BinaryMessageDecoder<>(SpecificData.get(), CURRENT, store);
      ChannelRecord marker =
          new ChannelRecord(0, 1, 1L, new Marker(9L), 0L, false, 0, -1L, -1L, 0L);
      byte[] v2 = AvroSerde.of(ChannelRecord.class).writingWith(V2).encode(marker);
      registry(topics).register(List.of(V2), "node-1 (v2)");
      // the store reads its entries while Avro is in the middle of decoding v2
      assertEquals(marker, avro.decode(v2));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void when_an_entry_of_the_store_is_not_a_schema_then_it_is_listed_and_a_tombstone_deletes()
      throws Exception {
    BankTopics topics = BankTopics.of("registry-bad-entry");
    registry(topics).register(List.of(CURRENT, V2), "init");
    writeRaw(topics, "0000000000000001", new byte[] {1, 2, 3});
    SchemaVersion lying =
        new SchemaVersion("io.snapbank.schemas.ChannelRecord", 9, 1L, CURRENT.toString(), 0L, "x");
    writeRaw(topics, "0000000000000001", topics.schemas().encode(lying));
    writeRaw(topics, SchemaFingerprint.of(V2).hex(), null);

    SchemaRegistry.Listing listing = registry(topics).list();
    assertEquals(1, listing.schemas().size(), "the tombstone deleted v2: " + listing.schemas());
    assertEquals(2, listing.unreadable().size(), listing.unreadable().toString());
    assertTrue(
        listing.unreadable().get(0).contains("not a single-object encoded SchemaVersion"),
        listing.toString());
    assertTrue(
        listing.unreadable().get(1).contains("the entry claims 0000000000000001"),
        listing.toString());
  }
}
