package io.snapbank.cli;

import io.snapbank.schemas.topic.BankTopics;
import picocli.CommandLine.Option;

/** How a new bank lays out its channels: the options {@code init} and {@code demo} share. */
final class ChannelOptions {
  @Option(
      names = "--channel-partitions",
      paramLabel = "P",
      defaultValue = "${env:SNAPBANK_CHANNEL_PARTITIONS:-1}",
      description =
          "Partitions per channel (default ${DEFAULT-VALUE}): channel i->j is partitions"
              + " j*P..j*P+P-1 of <prefix>.transfers.<i>, an account's transfers keep to one of"
              + " them, and a marker goes to each. Fixed when the bank is created.")
  int partitions;

  /** The partitions per channel; throws with one line when out of range. */
  int partitions() {
    return BankTopics.checkLanes(partitions);
  }
}
