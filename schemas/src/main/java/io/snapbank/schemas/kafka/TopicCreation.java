package io.snapbank.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a process needs when they are missing, idempotently: an existing topic is kept
 * as it is, and one that exists is not created again (so a principal that may use a topic but not
 * create it is not refused). The one place where the project's processes create their topics, so
 * every topic without a factor of its own gets the {@link Replication} of the cluster.
 */
public final class TopicCreation {
  private TopicCreation() {}

  /** An admin client of {@code bootstrap} with {@code overrides} (security settings) applied. */
  public static Admin admin(String bootstrap, Map<String, String> overrides, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    p.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(10_000, timeout.toMillis())));
    p.putAll(overrides);
    return Admin.create(p);
  }

  /**
   * Creates those of {@code topics} that do not exist; returns the names of those it created. Fails
   * with one clear line ({@link IllegalStateException}) when Kafka does not answer within {@code
   * timeout} or refuses a creation.
   */
  public static List<String> createMissing(
      String bootstrap, Map<String, String> overrides, List<NewTopic> topics, Duration timeout)
      throws InterruptedException {
    List<String> created = new ArrayList<>();
    Admin admin = admin(bootstrap, overrides, timeout);
    boolean answered = false;
    try {
      Replication replication;
      try {
        replication = Replication.of(admin, timeout);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            "cannot reach Kafka at "
                + bootstrap
                + " (no answer within "
                + timeout.toSeconds()
                + " s)",
            e);
      }
      for (NewTopic t : topics) {
        if (exists(admin, t.name(), timeout)) {
          continue;
        }
        try {
          admin
              .createTopics(List.of(replication.applyTo(t)))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
      answered = true;
    } finally {
      // do not wait for calls that cannot complete
      admin.close(answered ? Duration.ofSeconds(5) : Duration.ZERO);
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
