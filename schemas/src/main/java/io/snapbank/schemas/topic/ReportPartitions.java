package io.snapbank.schemas.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The one rule placing a snapshot on the partitions of {@code <prefix>.snapshot-reports}: nodes key
 * each local report by the snapshot id as a decimal string and let the producer's default
 * partitioner choose (murmur2 of the key bytes), so all reports of one snapshot share a partition;
 * {@link #of} computes the same partition, so that the auditor can send a snapshot's request and
 * deep-audit result to the task that holds its reports.
 */
public final class ReportPartitions {
  /** The most partitions the reports topic may have. */
  public static final int MAX = 64;

  private ReportPartitions() {}

  /** {@code partitions} if the reports topic may have that many; throws with one line if not. */
  public static int check(int partitions) {
    if (partitions < 1 || partitions > MAX) {
      throw new IllegalArgumentException(
          "report partitions must be 1.." + MAX + ", not " + partitions);
    }
    return partitions;
  }

  /** The partition, of {@code partitions}, that holds the reports of snapshot {@code id}. */
  public static int of(long id, int partitions) {
    byte[] key = Long.toString(id).getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }
}
