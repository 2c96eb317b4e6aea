package io.snapbank.node.core;

/**
 * Whether a bank's channels keep the order records were written in, as its genesis fixes it.
 *
 * <ul>
 *   <li>{@link #FIFO}: every lane delivers in order; a marker on each lane delimits the channel
 *       state (Chandy-Lamport), and a sequence number that skips ahead halts the receiver.
 *   <li>{@link #NONE}: records may arrive in any order. Every record carries its sender's colour
 *       (the last snapshot it recorded); a receiver records a snapshot before it takes a record
 *       coloured with it (Lai-Yang), counts the transfers coloured below it as channel state, and
 *       closes a channel when the count reaches what the sender's marker says it had sent
 *       (Mattern's counters). Memory stays a count and a sum per channel; sequence numbers only
 *       catch duplicates. A node records snapshots in increasing id order; one it can no longer
 *       record consistently (a higher colour reached it first) is left to time out.
 * </ul>
 */
public enum ChannelOrder {
  FIFO,
  NONE
}
