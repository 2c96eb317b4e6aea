package io.snapbank.node.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * One running instance of a node: a random id drawn when the process starts the node, with its pid
 * and host. Every checkpoint the instance commits carries its {@link #stamp()}, so a node whose
 * producer was fenced can tell from the latest committed checkpoint whether another instance wrote
 * since its own last commit (see {@link ProducerSession#reclaim}). Immutable.
 *
 * @param id random, drawn once per start of the node
 * @param pid the process id
 * @param host the host name, or {@code "unknown host"}
 */
record NodeInstance(String id, long pid, String host) {

  /** A new instance of the node in this process. */
  static NodeInstance draw() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      host = "unknown host";
    }
    return new NodeInstance(
        UUID.randomUUID().toString().substring(0, 8), ProcessHandle.current().pid(), host);
  }

  /** What the instance writes into its checkpoints and what an operator reads. */
  String stamp() {
    return "instance " + id + " (pid " + pid + " on " + host + ")";
  }
}
