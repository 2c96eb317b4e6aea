package io.snapbank.node.core;

/**
 * A transfer kept in a channel state when the engine collects messages (simulation, conformance).
 */
public record RecordedMessage(int from, long seq, long offset, long amount) {}
