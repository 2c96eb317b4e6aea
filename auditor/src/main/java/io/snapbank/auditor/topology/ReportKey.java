package io.snapbank.auditor.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of a held report in the state store: the snapshot id then the node id, big-endian (12 bytes),
 * so that the reports of one snapshot are the keys starting with its 8-byte id ({@link #PREFIX}).
 */
record ReportKey(long snapshotId, int nodeId) {
  /** Serializes a snapshot id as the prefix of its reports' keys. */
  static final Serializer<Long> PREFIX = new LongSerializer();

  static final Serde<ReportKey> SERDE =
      Serdes.serdeFrom(
          (topic, k) ->
              k == null
                  ? null
                  : ByteBuffer.allocate(12).putLong(k.snapshotId).putInt(k.nodeId).array(),
          (topic, bytes) -> {
            if (bytes == null) {
              return null;
            }
            if (bytes.length != 12) {
              throw new SerializationException(
                  "a report key has 12 bytes, this one " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new ReportKey(b.getLong(), b.getInt());
          });
}
