package io.snapbank.node.core;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a node of a bank whose channels keep no order ({@link ChannelOrder#NONE}) keeps besides the
 * sequence counters: its colour (the last snapshot it recorded, carried by everything it sends),
 * its floor (the highest snapshot id it recorded or met as a colour: none at or below it can be
 * recorded any more), and per incoming lane the sequence numbers accepted above the lane's last
 * contiguous one. Immutable; in a FIFO bank the colour and floor are unused and nothing is ahead.
 */
public record OrderState(
    ChannelOrder order, long colour, long floor, SortedMap<Lane, SortedSet<Long>> ahead) {
  /** A FIFO bank's. */
  public static final OrderState FIFO = initial(ChannelOrder.FIFO);

  public OrderState {
    TreeMap<Lane, SortedSet<Long>> copy = new TreeMap<>();
    ahead.forEach(
        (l, s) -> {
          if (!s.isEmpty()) {
            copy.put(l, Collections.unmodifiableSortedSet(new TreeSet<>(s)));
          }
        });
    ahead = Collections.unmodifiableSortedMap(copy);
  }

  /** A node that recorded nothing yet. */
  public static OrderState initial(ChannelOrder order) {
    return new OrderState(
        order, ChannelMessage.NO_COLOUR, ChannelMessage.NO_COLOUR, new TreeMap<>());
  }

  /** The same, with only the lanes in {@code keep} ahead. */
  OrderState restrictedTo(SortedSet<Lane> keep) {
    TreeMap<Lane, SortedSet<Long>> m = new TreeMap<>(ahead);
    m.keySet().retainAll(keep);
    return new OrderState(order, colour, floor, m);
  }
}
