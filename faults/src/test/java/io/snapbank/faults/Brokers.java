package io.snapbank.faults;

import java.util.List;

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
}
