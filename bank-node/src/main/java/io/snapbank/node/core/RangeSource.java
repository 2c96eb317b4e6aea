package io.snapbank.node.core;

import java.util.Optional;

/**
 * Where the records of recorded channel ranges are read from (the channels' logs): a port of the
 * core, implemented by its driver. Reads happen synchronously inside the input that needs them.
 */
public interface RangeSource {
  /** Receives a range's records in offset order. */
  interface Sink {
    /** The record at {@code offset}. */
    void record(long offset, ChannelMessage message);

    /** The record at {@code offset} does not decode. */
    void undecodable(long offset);
  }

  /**
   * Hands {@code sink} every record of {@code range}, in order; returns why it could not (the log
   * no longer holds the range, or it could not be read), or empty when it read the whole range.
   */
  Optional<String> read(ChannelRange range, Sink sink);
}
