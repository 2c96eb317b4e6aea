package io.snapbank.auditor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where an input record was first read: its topic, partition, offset and key. A record routed
 * through {@code <prefix>.audit-inputs} carries its origin in headers, so that the audit task
 * decodes it by its first topic and quarantines it with its first position; a retry handed to
 * partition 0 has the topic {@value #RETRY}. Immutable.
 */
record Origin(String topic, int partition, long offset, String key) {
  /** The topic of a retry an audit task hands to the one that allocates request ids. */
  static final String RETRY = "retry";

  private static final String TOPIC = "snapbank.origin.topic";
  private static final String POSITION = "snapbank.origin.position";
  private static final String KEY = "snapbank.origin.key";

  /**
   * The origin of {@code record}, read at {@code metadata}: its headers' when it was read from
   * {@code inputs} (the only topic whose headers the auditor writes), else its own.
   */
  static Origin of(
      Optional<RecordMetadata> metadata, Record<String, byte[]> record, String inputs) {
    Header topic = record.headers().lastHeader(TOPIC);
    boolean routed = metadata.map(m -> m.topic().equals(inputs)).orElse(false);
    if (routed && topic != null) {
      Header position = record.headers().lastHeader(POSITION);
      Header key = record.headers().lastHeader(KEY);
      ByteBuffer p = ByteBuffer.wrap(position == null ? new byte[12] : position.value());
      return new Origin(
          new String(topic.value(), StandardCharsets.UTF_8),
          p.getInt(),
          p.getLong(),
          key == null ? null : new String(key.value(), StandardCharsets.UTF_8));
    }
    RecordMetadata m = metadata.orElse(null);
    return new Origin(
        m == null ? "" : m.topic(),
        m == null ? -1 : m.partition(),
        m == null ? -1L : m.offset(),
        record.key());
  }

  /** {@code record} carrying this origin in its headers, under {@code key}. */
  Record<String, byte[]> stamp(Record<String, byte[]> record, String key) {
    Headers h = new RecordHeaders(record.headers().toArray());
    h.remove(TOPIC).remove(POSITION).remove(KEY);
    h.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    h.add(POSITION, ByteBuffer.allocate(12).putInt(partition).putLong(offset).array());
    if (this.key != null) {
      h.add(KEY, this.key.getBytes(StandardCharsets.UTF_8));
    }
    return new Record<>(key, record.value(), record.timestamp(), h);
  }
}
