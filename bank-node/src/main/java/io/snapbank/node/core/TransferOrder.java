package io.snapbank.node.core;

/**
 * A transfer a node is asked to make: {@code amount} from its own {@code fromAccount} to {@code
 * toAccount} of node {@code toNode} (this node itself for a local transfer).
 */
public record TransferOrder(String fromAccount, int toNode, String toAccount, long amount) {}
