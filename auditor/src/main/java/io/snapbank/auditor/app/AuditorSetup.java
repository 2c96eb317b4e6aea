package io.snapbank.auditor.app;

import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.node.kafka.BankSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the auditor's own topics ({@link AuditorTopics}) when they are missing, idempotently: an
 * existing topic is kept as it is. The bank's topics are {@code init}'s ({@link BankSetup}).
 */
public final class AuditorSetup {
  /** How long deep-audit results are kept: longer than finished snapshots are remembered. */
  public static final Duration DEEP_AUDIT_RETENTION = Duration.ofDays(7);

  private AuditorSetup() {}

  /** The auditor's topics: {@code <prefix>.deep-audits}, one partition, kept seven days. */
  public static List<NewTopic> topicsOf(AuditorTopics topics) {
    Map<String, String> week =
        Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEEP_AUDIT_RETENTION.toMillis()));
    return List.of(
        new NewTopic(topics.deepAudits().name(), Optional.of(1), Optional.empty()).configs(week));
  }

  /**
   * Creates the missing ones of {@link #topicsOf} with the client settings {@code overrides};
   * returns the names of those it created. Topics that exist are not created again, so a principal
   * allowed to describe them but not to create topics (the auditor's, under ACLs, once {@code init}
   * created them) passes. Throws {@link IllegalStateException} when Kafka does not answer within
   * {@code timeout} or refuses.
   */
  public static List<String> ensureTopics(
      String bootstrap, Map<String, String> overrides, AuditorTopics topics, Duration timeout)
      throws InterruptedException {
    List<String> created = new ArrayList<>();
    Admin admin = BankSetup.admin(bootstrap, overrides);
    boolean ok = false;
    try {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            "cannot reach Kafka at " + bootstrap + " (no answer within " + timeout + ")", e);
      }
      for (NewTopic t : topicsOf(topics)) {
        if (exists(admin, t.name(), timeout)) {
          continue;
        }
        try {
          admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(t.name());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              "timed out creating topic " + t.name() + " at " + bootstrap, e);
        }
      }
      ok = true;
    } finally {
      // do not wait for calls that cannot complete
      admin.close(ok ? Duration.ofSeconds(5) : Duration.ZERO);
    }
    return created;
  }

  private static boolean exists(Admin admin, String topic, Duration timeout)
      throws InterruptedException {
    try {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false; // missing, not visible or not answered: creating it tells which
    }
  }
}
