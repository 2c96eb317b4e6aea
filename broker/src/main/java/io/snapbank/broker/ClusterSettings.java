package io.snapbank.broker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker settings that depend on the size of the cluster: the replication of Kafka's internal
 * topics and of topics created without a factor, and how fast a stopped member is noticed.
 */
final class ClusterSettings {
  /** The replication factor of every topic in a cluster of three or more. */
  static final int REPLICATION = 3;

  /** Acknowledged writes reach two replicas, so one member may stop without losing any of them. */
  static final int MIN_INSYNC = 2;

  private ClusterSettings() {}

  /** The settings of each member of a cluster of {@code brokers}. */
  static Map<String, String> of(int brokers) {
    Map<String, String> p = new LinkedHashMap<>();
    String rf = Integer.toString(brokers >= REPLICATION ? REPLICATION : 1);
    String isr = Integer.toString(brokers >= REPLICATION ? MIN_INSYNC : 1);
    p.put("default.replication.factor", rf);
    p.put("offsets.topic.replication.factor", rf);
    p.put("transaction.state.log.replication.factor", rf);
    p.put("transaction.state.log.min.isr", isr);
    p.put("share.coordinator.state.topic.replication.factor", rf);
    p.put("share.coordinator.state.topic.min.isr", isr);
    if (brokers >= REPLICATION) {
      p.put("min.insync.replicas", isr);
      // The active controller fences a member whose heartbeats stop for 4 s (default 9 s): its
      // partitions get new leaders and leave the ISR that soon. It also refuses a member that
      // registers again while its previous session lives, so a member killed and restarted at
      // once waits out this timeout before it serves. Heartbeats every 500 ms (default 2 s) keep
      // 8 of them inside one session, so a short pause of a busy machine does not fence a member.
      p.put("broker.session.timeout.ms", "4000");
      p.put("broker.heartbeat.interval.ms", "500");
      // A follower of the quorum that hears nothing from the leader for 2 s (the default) starts an
      // election; losing the active controller costs about that plus one election (1 s default).
      p.put("controller.quorum.fetch.timeout.ms", "2000");
      p.put("controller.quorum.election.timeout.ms", "1000");
    }
    return p;
  }
}
