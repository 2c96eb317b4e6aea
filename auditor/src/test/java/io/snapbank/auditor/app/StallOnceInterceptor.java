package io.snapbank.auditor.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A producer interceptor for tests: the first send made while its producer's transaction is open
 * (of all producers configured with the same marker file) blocks until the transaction coordinator
 * has aborted that transaction for outliving its timeout, then writes "aborted" to the marker.
 */
public final class StallOnceInterceptor implements ProducerInterceptor<byte[], byte[]> {
  /** The file that makes the stall happen once; its content says whether the abort came. */
  public static final String MARKER = "snapbank.test.stall-marker";

  private static final Duration WAIT = Duration.ofSeconds(60);
  private Admin admin;
  private String transactionalId;
  private Path marker;

  @Override
  public void configure(Map<String, ?> configs) {
    transactionalId = (String) configs.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    marker = Path.of((String) configs.get(MARKER));
    Object bootstrap = configs.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap instanceof List<?> l
                    ? l.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : bootstrap));
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    if (transactionalId == null || Files.exists(marker) || state() != TransactionState.ONGOING) {
      return record;
    }
    try {
      Files.createFile(marker);
    } catch (FileAlreadyExistsException e) {
      return record;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (state() == TransactionState.COMPLETE_ABORT) {
        try {
          Files.writeString(marker, "aborted", StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return record;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return record;
      }
    }
    return record;
  }

  private TransactionState state() {
    try {
      return admin
          .describeTransactions(List.of(transactionalId))
          .description(transactionalId)
          .get(30, TimeUnit.SECONDS)
          .state();
    } catch (Exception e) {
      return TransactionState.UNKNOWN;
    }
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
