package io.snapbank.schemas.registry;

import io.snapbank.broker.EmbeddedKafkaBroker;

/** One in-process broker for the schema store's tests; each test uses its own prefix. */
final class TestKafka {
  private static EmbeddedKafkaBroker broker;

  private TestKafka() {}

  static synchronized String bootstrap() {
    if (broker == null) {
      broker = EmbeddedKafkaBroker.builder().start();
      EmbeddedKafkaBroker b = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(b::close));
    }
    return broker.bootstrapServers();
  }
}
