package io.snapbank.cli;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/** Turns failures into one line an operator can act on. */
final class UserErrors {
  private UserErrors() {}

  static String describe(Throwable ex) {
    Throwable t = ex;
    while ((t instanceof ExecutionException
            || t.getClass() == RuntimeException.class
            || constructionFailure(t))
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      return "Kafka did not answer in time (is the broker reachable at the bootstrap address?): "
          + t.getMessage();
    }
    String msg = t.getMessage();
    msg = msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    if (causedBy(t, SaslAuthenticationException.class)) {
      return "Kafka refused the credentials of --client-config: " + msg;
    }
    if (causedBy(t, SslAuthenticationException.class)) {
      return "TLS with Kafka failed (does --client-config trust the broker's CA?): " + msg;
    }
    if (causedBy(t, AuthorizationException.class)) {
      return "not allowed by Kafka's ACLs for this principal: " + msg;
    }
    return msg;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** Kafka's "Failed to construct kafka producer" says less than its cause. */
  private static boolean constructionFailure(Throwable t) {
    return t.getClass() == KafkaException.class
        && t.getMessage() != null
        && t.getMessage().startsWith("Failed to construct");
  }
}
