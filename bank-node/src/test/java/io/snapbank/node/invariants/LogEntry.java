package io.snapbank.node.invariants;

import io.snapbank.node.core.ChannelMessage;

/** A committed record of a channel's log; {@code message} is null when it does not decode. */
public record LogEntry(long offset, ChannelMessage message) {}
