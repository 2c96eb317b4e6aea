package io.snapbank.node.core;

/** Account {@code account} of node {@code nodeId}. */
public record AccountRef(int nodeId, String account) {}
