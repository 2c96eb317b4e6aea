package io.snapbank.auditor.app;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the auditor's Kafka Streams instance: a stream thread that dies is replaced or ends the
 * auditor as {@link StreamThreadFailures} says, the first RUNNING state is signalled, and the first
 * reason the auditor stopped working is kept ({@link #failure}). Thread-safe.
 */
final class StreamsWatch {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsWatch.class);
  private final CountDownLatch running = new CountDownLatch(1);
  private volatile String failure;

  /** Installs the exception handler and the state listener on {@code streams} (before start). */
  void watch(KafkaStreams streams) {
    streams.setUncaughtExceptionHandler(
        e -> {
          StreamThreadExceptionResponse r = StreamThreadFailures.response(e);
          if (r == StreamThreadExceptionResponse.REPLACE_THREAD) {
            LOG.warn(
                "stream thread failed ({}); replacing it, its tasks resume from their last commit",
                String.valueOf(e.getCause() == null ? e : e.getCause()));
          } else {
            fail("auditor stopped: " + e);
            LOG.error("auditor topology failed", e);
          }
          return r;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR) {
            fail("auditor topology in state ERROR");
          }
        });
  }

  /** Keeps {@code why} as the reason the auditor stopped, unless one is kept already. */
  synchronized void fail(String why) {
    if (failure == null) {
      failure = why;
    }
  }

  /** Why the auditor stopped working, if it did. */
  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Waits until the topology was RUNNING once; false on timeout. */
  boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
