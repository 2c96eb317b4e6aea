package io.snapbank.faults;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/** The Kafka broker processes of a fault run: one member, or the members of a KRaft cluster. */
interface Brokers {
  /** Starts every member and waits until each serves clients. */
  void start() throws Exception;

  /** The clients' bootstrap servers. */
  String bootstrap();

  /** The members, index K = member K. */
  List<ManagedProcess> members();

  /** The member whose Kafka node id is {@code brokerId}. */
  ManagedProcess memberOfBroker(int brokerId);

  /** Waits until member {@code m}, just restarted, serves clients again. */
  void awaitServing(ManagedProcess m) throws Exception;

  /** The member leading most partitions of {@code topics} (the only one when there is one). */
  default ManagedProcess leadingMost(Admin admin, List<String> topics) throws Exception {
    if (members().size() == 1) {
      return members().get(0);
    }
    Map<Integer, Integer> led = new HashMap<>();
    for (TopicDescription d :
        admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        if (p.leader() != null) {
          led.merge(p.leader().id(), 1, Integer::sum);
        }
      }
    }
    return memberOfBroker(
        led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey());
  }
}
