package io.snapbank.faults;

import org.apache.avro.generic.GenericRecord;

/**
 * A committed record as the checker read it: where it is, its key and its decoded value ({@code
 * null} with {@code decodeError} set when the value is not a known record).
 */
record LogRecord(
    String topic, int partition, long offset, String key, GenericRecord value, String decodeError) {

  String where() {
    return topic + "/" + partition + "@" + offset;
  }
}
