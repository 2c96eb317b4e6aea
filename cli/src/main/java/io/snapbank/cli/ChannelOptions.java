package io.snapbank.cli;

import io.snapbank.schemas.ChannelOrder;
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

  @Option(
      names = "--channel-order",
      paramLabel = "ORDER",
      defaultValue = "${env:SNAPBANK_CHANNEL_ORDER:-fifo}",
      description =
          "fifo (default): every channel partition keeps order and markers delimit channel state"
              + " (Chandy-Lamport); none: records may arrive in any order, each carries its"
              + " sender's colour and channel state is counted (Lai-Yang with Mattern's counters)."
              + " Fixed when the bank is created.")
  String order;

  /** The channel order; throws with one line when it names none. */
  ChannelOrder order() {
    return switch (order.toLowerCase(java.util.Locale.ROOT)) {
      case "fifo" -> ChannelOrder.FIFO;
      case "none" -> ChannelOrder.NONE;
      default ->
          throw new IllegalArgumentException(
              "--channel-order must be fifo or none, not '" + order + "'");
    };
  }

  /** The partitions per channel; throws with one line when out of range. */
  int partitions() {
    return BankTopics.checkLanes(partitions);
  }
}
