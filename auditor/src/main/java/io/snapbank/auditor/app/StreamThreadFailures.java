package io.snapbank.auditor.app;

import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.TaskMigratedException;

/**
 * What the auditor does when one of its stream threads dies. Kafka Streams itself treats a fenced
 * producer as a task migration: the thread rejoins the group, closes the task and restores it from
 * its changelog, and nothing reaches this handler. A thread that still dies of a fenced producer
 * (the coordinator aborted a transaction that outlived {@code transaction.timeout.ms}, as when the
 * broker pauses, and the commit raced the abort) is replaced: its tasks resume from their last
 * commit with a new producer. A second auditor with the same application id is not a duplicate but
 * another member of the group, so fencing never means the auditor must stop. A thread that dies
 * because Kafka did not answer in time (a retriable error such as a timeout while a broker is down
 * or paused) is replaced too: under exactly-once its tasks resume from their last commit. Any other
 * error stops the auditor.
 */
final class StreamThreadFailures {
  private StreamThreadFailures() {}

  /** Whether {@code e} (or what caused it) says the thread's producer epoch moved on. */
  static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof InvalidTxnStateException
          || t instanceof InvalidPidMappingException
          || t instanceof TaskMigratedException) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code e} (or what caused it) is an error Kafka says may pass if tried again. */
  static boolean retriable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.RetriableException) {
        return true;
      }
    }
    return false;
  }

  /** Replace the thread after a fencing or retriable error, stop the auditor after any other. */
  static StreamThreadExceptionResponse response(Throwable e) {
    return fenced(e) || retriable(e)
        ? StreamThreadExceptionResponse.REPLACE_THREAD
        : StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
