package io.snapbank.cli;

import picocli.CommandLine.Option;

/** Options shared by every command that talks to Kafka; environment variables give defaults. */
final class KafkaOptions {
  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = "${env:SNAPBANK_BOOTSTRAP:-localhost:9092}",
      description = "Kafka bootstrap address (env SNAPBANK_BOOTSTRAP; default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = {"-p", "--prefix"},
      defaultValue = "${env:SNAPBANK_PREFIX:-snapbank}",
      description = "Topic prefix of the bank (env SNAPBANK_PREFIX; default ${DEFAULT-VALUE}).")
  String prefix;

  /** The bank's schema store, for topics that read records of any registered writer schema. */
  io.snapbank.schemas.registry.KafkaSchemaStore schemaStore() {
    return new io.snapbank.schemas.registry.KafkaSchemaStore(
        bootstrap, clientConfig(), io.snapbank.schemas.topic.BankTopics.of(prefix));
  }

  /** Extra Kafka client settings (security, for one); none yet. */
  java.util.Map<String, String> clientConfig() {
    return java.util.Map.of();
  }
}
