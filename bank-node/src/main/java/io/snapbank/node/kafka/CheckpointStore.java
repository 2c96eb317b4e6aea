package io.snapbank.node.kafka;

import io.snapbank.schemas.NodeCheckpoint;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a node's checkpoints live. {@link #append} adds one to the transaction the caller has open,
 * so a checkpoint is durable exactly when the work it describes is.
 */
public interface CheckpointStore {
  /** The latest committed checkpoint of the node, or empty if it never committed one. */
  Optional<NodeCheckpoint> latest(Duration timeout);

  /** Adds {@code checkpoint} to the open transaction. */
  void append(NodeCheckpoint checkpoint);
}
