package io.snapbank.node.invariants;

/** Channel {@code from}→{@code to}. */
public record Channel(int from, int to) implements Comparable<Channel> {
  @Override
  public int compareTo(Channel o) {
    return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
  }

  @Override
  public String toString() {
    return from + "->" + to;
  }
}
