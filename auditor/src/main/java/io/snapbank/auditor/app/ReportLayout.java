package io.snapbank.auditor.app;

import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.auditor.topology.AuditorTopology;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.kafka.TopicCreation;
import io.snapbank.schemas.topic.ReportPartitions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the auditor's work is split ({@link AuditorTopology}): into the R partitions of {@code
 * <prefix>.snapshot-reports}. The genesis names R ({@code init --report-partitions}), the reports
 * topic has R partitions, and the auditor's {@code <prefix>.audit-inputs} ({@link
 * AuditorTopics#inputs()}) is created with as many; an auditor whose bank disagrees does not start.
 */
public final class ReportLayout {
  private static final Logger LOG = LoggerFactory.getLogger(ReportLayout.class);

  private ReportLayout() {}

  /** The layout agreed on: R, and the topics {@link #ensure} created. */
  public record Layout(int partitions, List<String> created) {}

  /** The genesis, the reports topic and the inputs topic disagree on R: the message says how. */
  public static final class MismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MismatchException(String message) {
      super(message);
    }
  }

  /**
   * Creates audit-inputs, when missing, with as many partitions as snapshot-reports, then checks
   * that the genesis (when written) and both topics agree. Throws {@link MismatchException} when
   * they do not, {@link IllegalStateException} when Kafka does not answer within {@code timeout} or
   * the bank's reports topic does not exist yet.
   */
  public static Layout ensure(
      String bootstrap, Map<String, String> overrides, AuditorTopics topics, Duration timeout)
      throws InterruptedException {
    String reportsTopic = topics.bank().snapshotReports().name();
    int reports =
        partitions(bootstrap, overrides, reportsTopic, timeout)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "topic " + reportsTopic + " does not exist yet (run snapbank init)"));
    Optional<BankGenesis> genesis =
        BankSetup.readGenesis(bootstrap, overrides, topics.bank(), timeout);
    if (genesis.isPresent() && genesis.get().getReportPartitions() != reports) {
      throw new MismatchException(
          "bank '"
              + topics.bank().prefix()
              + "' has "
              + genesis.get().getReportPartitions()
              + " report partition(s) in its genesis but topic "
              + reportsTopic
              + " has "
              + reports
              + "; the auditor does not start on a bank whose layout disagrees");
    }
    List<String> created =
        TopicCreation.createMissing(
            bootstrap,
            overrides,
            List.of(new NewTopic(topics.inputs(), Optional.of(reports), Optional.empty())),
            timeout);
    int inputs = partitions(bootstrap, overrides, topics.inputs(), timeout).orElse(-1);
    if (inputs != reports) {
      throw new MismatchException(
          "topic "
              + topics.inputs()
              + " has "
              + inputs
              + " partition(s) but "
              + reportsTopic
              + " has "
              + reports
              + "; the auditor does not start on a bank whose layout disagrees");
    }
    return new Layout(reports, created);
  }

  /**
   * {@link #ensure}, retried until Kafka answers and the bank's topics exist, or {@code stopping}
   * holds (then empty); a mismatch is returned as its one-line message.
   */
  static Optional<Outcome> await(
      String bootstrap,
      Map<String, String> overrides,
      AuditorTopics topics,
      Duration timeout,
      BooleanSupplier stopping)
      throws InterruptedException {
    boolean warned = false;
    while (!stopping.getAsBoolean()) {
      try {
        return Optional.of(new Outcome(ensure(bootstrap, overrides, topics, timeout), null));
      } catch (MismatchException e) {
        return Optional.of(new Outcome(null, "the auditor cannot start: " + e.getMessage()));
      } catch (IllegalStateException | KafkaException e) {
        if (!warned && !stopping.getAsBoolean()) {
          LOG.warn("cannot read the bank's report layout yet, retrying: {}", e.getMessage());
          warned = true;
        }
        Thread.sleep(200);
      }
    }
    return Optional.empty();
  }

  /** The layout agreed on, or why there is none. */
  record Outcome(Layout layout, String refused) {}

  private static OptionalInt partitions(
      String bootstrap, Map<String, String> overrides, String topic, Duration timeout)
      throws InterruptedException {
    try (Admin admin = TopicCreation.admin(bootstrap, overrides, timeout)) {
      return OptionalInt.of(
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .size());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return OptionalInt.empty();
      }
      throw new IllegalStateException(
          "cannot describe topic " + topic + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at " + bootstrap + " to describe topic " + topic, e);
    }
  }

  /**
   * Whether the task of snapshot {@code id} (its report partition, of {@code partitions}; 0 when
   * not known yet) runs in {@code streams} now.
   */
  static boolean runsHere(KafkaStreams streams, AuditorTopics topics, int partitions, long id) {
    if (partitions < 1) {
      return false;
    }
    TopicPartition tp =
        new TopicPartition(
            topics.bank().snapshotReports().name(), ReportPartitions.of(id, partitions));
    try {
      for (ThreadMetadata t : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : t.activeTasks()) {
          if (task.topicPartitions().contains(tp)) {
            return true;
          }
        }
      }
    } catch (IllegalStateException e) {
      // not running
    }
    return false;
  }
}
