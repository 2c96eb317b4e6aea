package io.snapbank.auditor.app;

import io.snapbank.auditor.topology.AuditorTopology;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the audit topology's state stores of the tasks this instance runs (Kafka Streams'
 * interactive queries). Before the topology runs there is nothing to read: empty counters, -1
 * snapshots in progress.
 */
final class TopologyStores {
  private final KafkaStreams streams;

  TopologyStores(KafkaStreams streams) {
    this.streams = streams;
  }

  /** The counters, summed over this instance's tasks; empty until the topology runs. */
  Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    try {
      ReadOnlyKeyValueStore<String, Long> s = store(AuditorTopology.COUNTERS_STORE);
      try (KeyValueIterator<String, Long> it = s.all()) {
        it.forEachRemaining(kv -> out.merge(kv.key, kv.value, Long::sum));
      }
    } catch (InvalidStateStoreException e) {
      // not running (yet): no counters to show
    }
    return out;
  }

  /** The snapshots pending in this instance's tasks; -1 until the topology runs. */
  long snapshotsInProgress() {
    try {
      ReadOnlyKeyValueStore<Long, Object> s = store(AuditorTopology.PENDING_STORE);
      long n = 0;
      try (KeyValueIterator<Long, Object> it = s.all()) {
        for (; it.hasNext(); it.next()) {
          n++;
        }
      }
      return n;
    } catch (InvalidStateStoreException e) {
      return -1;
    }
  }

  private <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
  }
}
