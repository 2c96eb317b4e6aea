package io.snapbank.node.core;

/**
 * One FIFO lane of a channel: lane {@code index} of the channel between this node and {@code node}
 * (the sender for an incoming lane, the receiver for an outgoing one). A channel i→j of a bank with
 * P lanes per channel is lanes 0..P-1, each partition {@code j * P + index} of sender i's channel
 * topic; a bank of one lane per channel has lane 0 only. Each lane numbers its records 1, 2, 3… and
 * carries its own markers, so the snapshot algorithm treats it as a channel of its own. Immutable;
 * ordered by node, then index.
 */
public record Lane(int node, int index) implements Comparable<Lane> {
  public Lane {
    if (node < 0 || index < 0) {
      throw new IllegalArgumentException(
          "a lane needs a node and an index >= 0: " + node + "/" + index);
    }
  }

  /** Lane 0 of the channel with {@code node}: the whole channel when it has one lane. */
  public static Lane of(int node) {
    return new Lane(node, 0);
  }

  /**
   * The partition of the sender's channel topic that carries this lane towards {@code receiver}.
   */
  public static int partition(int receiver, int index, int lanes) {
    return Math.addExact(Math.multiplyExact(receiver, lanes), index);
  }

  /** The lane a partition of a sender's channel topic carries: the receiver and the index. */
  public static Lane ofPartition(int partition, int lanes) {
    return new Lane(partition / lanes, partition % lanes);
  }

  /** "from" or "from/index" as lanes are named in logs and checkpoints. */
  public String label() {
    return index == 0 ? Integer.toString(node) : node + "/" + index;
  }

  /** The lane a label names ({@link #label()}). */
  public static Lane parse(String label) {
    int slash = label.indexOf('/');
    return slash < 0
        ? of(Integer.parseInt(label))
        : new Lane(
            Integer.parseInt(label.substring(0, slash)),
            Integer.parseInt(label.substring(slash + 1)));
  }

  /**
   * Whether {@code lanes} hold at least one lane of the channel with {@code node} and every one of
   * them is in {@code closed}.
   */
  public static boolean allClosed(
      java.util.Collection<Lane> lanes, java.util.Set<Lane> closed, int node) {
    boolean any = false;
    for (Lane l : lanes) {
      if (l.node() == node) {
        any = true;
        if (!closed.contains(l)) {
          return false;
        }
      }
    }
    return any;
  }

  @Override
  public int compareTo(Lane o) {
    int byNode = Integer.compare(node, o.node);
    return byNode != 0 ? byNode : Integer.compare(index, o.index);
  }
}
