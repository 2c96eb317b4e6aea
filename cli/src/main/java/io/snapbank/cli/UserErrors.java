package io.snapbank.cli;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;

/** Turns failures into one line an operator can act on. */
final class UserErrors {
  private UserErrors() {}

  static String describe(Throwable ex) {
    Throwable t = ex;
    while ((t instanceof ExecutionException || t.getClass() == RuntimeException.class)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      return "Kafka did not answer in time (is the broker reachable at the bootstrap address?): "
          + t.getMessage();
    }
    String msg = t.getMessage();
    return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
  }
}
