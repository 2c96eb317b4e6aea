package io.snapbank.node.kafka;

import io.snapbank.broker.EmbeddedKafkaBroker;

/**
 * One in-process KRaft broker for all Kafka tests of this JVM; each test uses its own topic prefix.
 */
public final class SharedBroker {
  private static EmbeddedKafkaBroker broker;

  private SharedBroker() {}

  public static synchronized String bootstrap() {
    if (broker == null) {
      broker = EmbeddedKafkaBroker.builder().start();
      EmbeddedKafkaBroker b = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(b::close));
    }
    return broker.bootstrapServers();
  }
}
