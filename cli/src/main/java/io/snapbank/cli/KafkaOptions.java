package io.snapbank.cli;

import io.snapbank.cli.security.ClientConfigs;
import java.nio.file.Path;
import java.util.Map;
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

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      defaultValue = "${env:SNAPBANK_CLIENT_CONFIG}",
      description =
          "Kafka client config (security.protocol, sasl.*, ssl.*) of this process's principal, e.g."
              + " one written by 'init --secure' (env SNAPBANK_CLIENT_CONFIG; default: none).")
  Path clientConfigFile;

  private Map<String, String> clientConfig;

  /** The settings of {@link #clientConfigFile}, read once; empty without one. */
  Map<String, String> clientConfig() {
    if (clientConfig == null) {
      clientConfig = ClientConfigs.load(clientConfigFile, System.err);
    }
    return clientConfig;
  }

  /** The bank's schema store, for topics that read records of any registered writer schema. */
  io.snapbank.schemas.registry.KafkaSchemaStore schemaStore() {
    return new io.snapbank.schemas.registry.KafkaSchemaStore(
        bootstrap, clientConfig(), io.snapbank.schemas.topic.BankTopics.of(prefix));
  }
}
