package io.snapbank.node.core;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who a node is and which channels it has: {@code incoming} are the senders of its incoming
 * channels, {@code outgoing} the receivers of its outgoing ones, each channel made of {@code lanes}
 * {@link Lane lanes}, keeping {@code order}. Immutable; a node never has a channel to itself.
 */
public record NodeTopology(
    int nodeId,
    SortedSet<Integer> incoming,
    SortedSet<Integer> outgoing,
    int lanes,
    ChannelOrder order) {
  public NodeTopology {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node ids are never negative: " + nodeId);
    }
    if (lanes < 1) {
      throw new IllegalArgumentException("a channel has at least one lane: " + lanes);
    }
    incoming = without(incoming, nodeId);
    outgoing = without(outgoing, nodeId);
  }

  /** FIFO channels of one lane each. */
  public NodeTopology(int nodeId, SortedSet<Integer> incoming, SortedSet<Integer> outgoing) {
    this(nodeId, incoming, outgoing, 1);
  }

  /** FIFO channels of {@code lanes} lanes each. */
  public NodeTopology(
      int nodeId, SortedSet<Integer> incoming, SortedSet<Integer> outgoing, int lanes) {
    this(nodeId, incoming, outgoing, lanes, ChannelOrder.FIFO);
  }

  /** The same node with {@code lanes} lanes per channel. */
  public NodeTopology withLanes(int lanes) {
    return new NodeTopology(nodeId, incoming, outgoing, lanes, order);
  }

  /** The same node in a bank whose channels keep {@code order}. */
  public NodeTopology withOrder(ChannelOrder order) {
    return new NodeTopology(nodeId, incoming, outgoing, lanes, order);
  }

  /** Every lane of every incoming channel, ascending. */
  public SortedSet<Lane> incomingLanes() {
    return lanesOf(incoming);
  }

  /** Every lane of every outgoing channel, ascending. */
  public SortedSet<Lane> outgoingLanes() {
    return lanesOf(outgoing);
  }

  /** The lanes of the channel with {@code node}. */
  public SortedSet<Lane> lanesOf(int node) {
    return lanesOf(List.of(node));
  }

  private SortedSet<Lane> lanesOf(Collection<Integer> nodes) {
    TreeSet<Lane> s = new TreeSet<>();
    for (int n : nodes) {
      for (int l = 0; l < lanes; l++) {
        s.add(new Lane(n, l));
      }
    }
    return Collections.unmodifiableSortedSet(s);
  }

  /** Node {@code nodeId} of a bank of {@code nodes} nodes where every node sends to every other. */
  public static NodeTopology complete(int nodeId, int nodes) {
    TreeSet<Integer> others = new TreeSet<>();
    for (int j = 0; j < nodes; j++) {
      others.add(j);
    }
    return new NodeTopology(nodeId, others, others, 1);
  }

  /** This node with channels to and from {@code node} as well. */
  public NodeTopology plus(int node) {
    TreeSet<Integer> in = new TreeSet<>(incoming);
    TreeSet<Integer> out = new TreeSet<>(outgoing);
    in.add(node);
    out.add(node);
    return new NodeTopology(nodeId, in, out, lanes, order);
  }

  /** This node without its channels to and from {@code node}. */
  public NodeTopology minus(int node) {
    TreeSet<Integer> in = new TreeSet<>(incoming);
    TreeSet<Integer> out = new TreeSet<>(outgoing);
    in.remove(node);
    out.remove(node);
    return new NodeTopology(nodeId, in, out, lanes, order);
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
