package io.snapbank.schemas.registry;

import io.snapbank.schemas.SchemaVersion;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Avro's {@link SchemaStore} backed by a bank's schema store topic, {@code <prefix>.schemas}: the
 * registry-like part of the bank, read straight from Kafka (read_committed). A fingerprint it does
 * not hold makes it read the entries added since it last looked, so a schema registered by a newer
 * release before its first record is always found by the time that record is read. Entries that
 * cannot be read are kept as {@link #unreadable() findings}, never dropped silently; a tombstone
 * deletes a schema. Thread-safe; opens no connection until it is first used; close it after use.
 */
public final class KafkaSchemaStore implements SchemaStore, AutoCloseable {
  /** Time allowed to read the store's topic. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final SchemaFingerprint ENTRY =
      SchemaFingerprint.of(SchemaVersion.getClassSchema());

  private final String bootstrap;
  private final Map<String, String> overrides;
  private final Topic<String, SchemaVersion> topic;
  private final Duration timeout;
  private final Map<Long, RegisteredSchema> byFingerprint = new ConcurrentHashMap<>();
  private final Map<Long, RegisteredSchema> inOrder = new LinkedHashMap<>();
  private final List<String> unreadable = new ArrayList<>();
  private PartitionScanner scanner;
  private boolean exists;
  private long position;
  private boolean closed;

  public KafkaSchemaStore(String bootstrap, Map<String, String> overrides, BankTopics topics) {
    this(bootstrap, overrides, topics, DEFAULT_TIMEOUT);
  }

  public KafkaSchemaStore(
      String bootstrap, Map<String, String> overrides, BankTopics topics, Duration timeout) {
    this.bootstrap = bootstrap;
    this.overrides = Map.copyOf(overrides);
    this.topic = topics.schemas();
    this.timeout = timeout;
  }

  /** The store's topic. */
  public String topic() {
    return topic.name();
  }

  /**
   * The schema with fingerprint {@code fingerprint}, reading the store's new entries when it is not
   * known yet; null when the store does not hold it. Throws {@link SchemaStoreUnavailableException}
   * when the store cannot be read.
   */
  @Override
  public Schema findByFingerprint(long fingerprint) {
    return find(new SchemaFingerprint(fingerprint)).map(RegisteredSchema::schema).orElse(null);
  }

  /** The registered schema with {@code fingerprint}, as {@link #findByFingerprint}. */
  public Optional<RegisteredSchema> find(SchemaFingerprint fingerprint) {
    RegisteredSchema r = byFingerprint.get(fingerprint.value());
    if (r == null) {
      refresh();
      r = byFingerprint.get(fingerprint.value());
    }
    return Optional.ofNullable(r);
  }

  /** Every schema the store holds now, in registration order. */
  public synchronized List<RegisteredSchema> all() {
    refresh();
    return List.copyOf(inOrder.values());
  }

  /** Entries of the store's topic that are not registered schemas, one line each. */
  public synchronized List<String> unreadable() {
    return List.copyOf(unreadable);
  }

  /** Reads the entries written since the last read, up to the topic's last stable offset. */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    TopicPartition tp = new TopicPartition(topic.name(), 0);
    try {
      if (scanner == null) {
        scanner = new PartitionScanner(bootstrap, overrides);
      }
      if (!exists) {
        exists = scanner.exists(tp.topic(), timeout);
        if (!exists) {
          return; // nothing registered in this bank yet
        }
      }
      long end = scanner.end(tp, timeout);
      if (end <= position) {
        return;
      }
      long from = Math.max(position, scanner.start(tp, timeout));
      scanner.scan(tp, from, end, timeout, this::take);
      position = end;
    } catch (PartitionScanner.ScanIncompleteException | KafkaException e) {
      throw new SchemaStoreUnavailableException(
          "schema store " + topic.name() + " cannot be read: " + e.getMessage(), e);
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    String at = topic.name() + " offset " + r.offset();
    if (r.value() == null) {
      try {
        long fp = SchemaFingerprint.parse(key).value();
        byFingerprint.remove(fp);
        inOrder.remove(fp);
      } catch (IllegalArgumentException e) {
        unreadable.add(at + ": a tombstone for key '" + key + "', not a fingerprint");
      }
      return;
    }
    RegisteredSchema s;
    try {
      s = RegisteredSchema.fromRecord(entry(r.value()));
    } catch (IllegalArgumentException e) {
      unreadable.add(at + ": " + e.getMessage());
      return;
    }
    if (!s.fingerprint().hex().equals(key)) {
      unreadable.add(
          at + ": key '" + key + "' is not the fingerprint of its schema, " + s.fingerprint());
      return;
    }
    byFingerprint.put(s.fingerprint().value(), s);
    inOrder.remove(s.fingerprint().value());
    inOrder.put(s.fingerprint().value(), s);
  }

  /**
   * Decodes an entry with a plain datum reader, not Avro's message decoder: the store may be asked
   * for a schema while a record is being decoded on the same thread, and Avro's message decoders
   * share per-thread buffers.
   */
  private static SchemaVersion entry(byte[] bytes) {
    SchemaFingerprint fp =
        SchemaFingerprint.ofPayload(bytes)
            .orElseThrow(
                () -> new IllegalArgumentException("not a single-object encoded SchemaVersion"));
    if (!fp.equals(ENTRY)) {
      throw new IllegalArgumentException(
          "written with SchemaVersion schema "
              + fp
              + ", not "
              + ENTRY
              + " (the store's own record never changes)");
    }
    try {
      BinaryDecoder in =
          DecoderFactory.get()
              .binaryDecoder(
                  bytes,
                  SchemaFingerprint.HEADER_LENGTH,
                  bytes.length - SchemaFingerprint.HEADER_LENGTH,
                  null);
      SchemaVersion v = new SpecificDatumReader<>(SchemaVersion.class).read(null, in);
      if (!in.isEnd()) {
        throw new IllegalArgumentException("bytes left after the SchemaVersion");
      }
      return v;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid SchemaVersion: " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (scanner != null) {
      scanner.close();
      scanner = null;
    }
  }
}
