package io.snapbank.auditor.topology;

import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.ReportPartitions;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands the auditor's single-partition inputs to the audit tasks through {@code
 * <prefix>.audit-inputs}: a snapshot request or deep-audit result to the partition of its snapshot
 * ({@link ReportPartitions}, keyed by the snapshot id its value names), the genesis and every
 * epoch-log entry to every partition. A record whose snapshot id cannot be read goes to partition
 * 0, whose task quarantines it. Stateless; each record keeps its origin ({@link Origin}).
 */
final class InputRouter implements Processor<String, byte[], String, byte[]> {
  static final String TO_OWNER = "inputs-to-owner";
  static final String TO_ALL = "inputs-to-all";

  /** To the partition of the snapshot id in the key; partition 0 without one. */
  static final StreamPartitioner<String, byte[]> BY_SNAPSHOT =
      (topic, key, value, partitions) -> Optional.of(Set.of(owner(key, partitions)));

  /** To every partition. */
  static final StreamPartitioner<String, byte[]> EVERYWHERE =
      (topic, key, value, partitions) -> {
        Set<Integer> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
          all.add(p);
        }
        return Optional.of(all);
      };

  /** To partition 0, whose task allocates the auditor's request ids. */
  static final StreamPartitioner<String, byte[]> TO_FIRST =
      (topic, key, value, partitions) -> Optional.of(Set.of(0));

  private final BankTopics topics;
  private final AuditorTopics own;
  private ProcessorContext<String, byte[]> context;

  InputRouter(BankTopics topics, AuditorTopics own) {
    this.topics = topics;
    this.own = own;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Origin origin = Origin.of(context.recordMetadata(), record, own.inputs());
    String topic = origin.topic();
    if (topic.equals(topics.genesis().name()) || topic.equals(topics.epochs().name())) {
      context.forward(origin.stamp(record, record.key()), TO_ALL);
    } else {
      OptionalLong id = snapshotId(topic, record.value());
      String key = id.isPresent() ? Long.toString(id.getAsLong()) : null;
      context.forward(origin.stamp(record, key), TO_OWNER);
    }
  }

  private OptionalLong snapshotId(String topic, byte[] value) {
    if (value == null || value.length == 0) {
      return OptionalLong.empty();
    }
    try {
      if (topic.equals(topics.snapshotRequests().name())) {
        return OptionalLong.of(topics.snapshotRequests().decode(value).getSnapshotId());
      } else if (topic.equals(own.deepAudits().name())) {
        return OptionalLong.of(own.deepAudits().decode(value).snapshotId());
      }
    } catch (RecordDecodingException e) {
      // partition 0 quarantines it
    }
    return OptionalLong.empty();
  }

  private static int owner(String key, int partitions) {
    if (key == null) {
      return 0;
    }
    try {
      return ReportPartitions.of(Long.parseLong(key), partitions);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
