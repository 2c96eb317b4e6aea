package io.snapbank.faults;

/**
 * One planned fault: {@code kind} at {@code atMs} after the start of the schedule, on node {@code
 * node} (node faults only; brokers are chosen when the fault happens), lasting {@code holdMs} (the
 * pause, or the time down before a restart).
 */
record Fault(long atMs, FaultKind kind, int node, long holdMs) {}
