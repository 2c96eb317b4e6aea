package io.snapbank.auditor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

  @Test
  void when_a_stream_thread_dies_of_a_fenced_producer_then_it_is_replaced() {
    assertEquals(
        StreamThreadExceptionResponse.REPLACE_THREAD,
        StreamThreadFailures.response(
            new StreamsException(new KafkaException(new ProducerFencedException("epoch")))));
    assertEquals(
        StreamThreadExceptionResponse.REPLACE_THREAD,
        StreamThreadFailures.response(
            new StreamsException(new InvalidTxnStateException("COMPLETE_ABORT"))));
  }

  @Test
  void when_a_stream_thread_dies_of_a_timeout_then_it_is_replaced() {
    assertEquals(
        StreamThreadExceptionResponse.REPLACE_THREAD,
        StreamThreadFailures.response(
            new StreamsException(
                new org.apache.kafka.common.errors.TimeoutException(
                    "Topic x-request-schedule-changelog not present in metadata after 60000 ms."))));
  }

  @Test
  void when_a_stream_thread_dies_of_anything_else_then_the_auditor_stops() {
    assertEquals(
        StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
        StreamThreadFailures.response(
            new StreamsException(new SerializationException("bad record"))));
    assertEquals(
        StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
        StreamThreadFailures.response(new IllegalStateException("bug")));
  }
}
