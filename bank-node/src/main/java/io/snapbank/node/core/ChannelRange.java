package io.snapbank.node.core;

/**
 * A recorded channel state: the records of channel {@code from}→{@code to} at offsets [{@code
 * firstOffset}, {@code markerOffset}) that its receiver accepted, {@code count} transfers summing
 * to {@code sum}; {@code seqBefore} is the last sequence number the receiver had accepted before
 * the range.
 */
public record ChannelRange(
    int from, int to, long firstOffset, long markerOffset, long seqBefore, long count, long sum) {}
