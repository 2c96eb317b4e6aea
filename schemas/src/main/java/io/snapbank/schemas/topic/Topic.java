package io.snapbank.schemas.topic;

import org.apache.kafka.common.serialization.Serde;

/** A Kafka topic's name with the serdes of its keys and values. Immutable. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  /** Decodes a value of this topic; an invalid payload throws the serde's typed exception. */
  public V decode(byte[] bytes) {
    return valueSerde.deserializer().deserialize(name, bytes);
  }

  /** Encodes a value for this topic. */
  public byte[] encode(V value) {
    return valueSerde.serializer().serialize(name, value);
  }
}
