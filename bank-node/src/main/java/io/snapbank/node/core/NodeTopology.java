package io.snapbank.node.core;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who a node is and which channels it has: {@code incoming} are the senders of its incoming
 * channels, {@code outgoing} the receivers of its outgoing ones. Immutable; a node never has a
 * channel to itself.
 */
public record NodeTopology(int nodeId, SortedSet<Integer> incoming, SortedSet<Integer> outgoing) {
  public NodeTopology {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node ids are never negative: " + nodeId);
    }
    incoming = without(incoming, nodeId);
    outgoing = without(outgoing, nodeId);
  }

  /** Node {@code nodeId} of a bank of {@code nodes} nodes where every node sends to every other. */
  public static NodeTopology complete(int nodeId, int nodes) {
    TreeSet<Integer> others = new TreeSet<>();
    for (int j = 0; j < nodes; j++) {
      others.add(j);
    }
    return new NodeTopology(nodeId, others, others);
  }

  /** This node with channels to and from {@code node} as well. */
  public NodeTopology plus(int node) {
    TreeSet<Integer> in = new TreeSet<>(incoming);
    TreeSet<Integer> out = new TreeSet<>(outgoing);
    in.add(node);
    out.add(node);
    return new NodeTopology(nodeId, in, out);
  }

  /** This node without its channels to and from {@code node}. */
  public NodeTopology minus(int node) {
    TreeSet<Integer> in = new TreeSet<>(incoming);
    TreeSet<Integer> out = new TreeSet<>(outgoing);
    in.remove(node);
    out.remove(node);
    return new NodeTopology(nodeId, in, out);
  }

  /** Node {@code nodeId} among {@code members}, each sending to each other. */
  public static NodeTopology among(int nodeId, Collection<Integer> members) {
    return new NodeTopology(nodeId, new TreeSet<>(members), new TreeSet<>(members));
  }

  private static SortedSet<Integer> without(Collection<Integer> peers, int self) {
    TreeSet<Integer> s = new TreeSet<>(peers);
    s.remove(self);
    return Collections.unmodifiableSortedSet(s);
  }
}
