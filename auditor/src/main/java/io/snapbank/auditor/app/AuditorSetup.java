package io.snapbank.auditor.app;

import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.kafka.TopicCreation;
import io.snapbank.schemas.registry.IncompatibleSchemaException;
import io.snapbank.schemas.registry.SchemaRegistrationRefusedException;
import io.snapbank.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the auditor's own topics ({@link AuditorTopics}) when they are missing, idempotently: an
 * existing topic is kept as it is. The bank's topics are {@code init}'s ({@link BankSetup}). Then
 * registers the auditor's writer schemas in the bank's schema store, before it writes anything.
 */
public final class AuditorSetup {
  private static final Logger LOG = LoggerFactory.getLogger(AuditorSetup.class);

  /** How long deep-audit results are kept: longer than finished snapshots are remembered. */
  public static final Duration DEEP_AUDIT_RETENTION = Duration.ofDays(7);

  private AuditorSetup() {}

  /**
   * Creates the auditor's topics and registers its writer schemas, retrying until Kafka answers or
   * {@code stopping} holds; returns why the auditor cannot start when the schema store refuses its
   * schemas (one line), empty when it can.
   */
  static Optional<String> prepare(
      String bootstrap,
      Map<String, String> overrides,
      AuditorTopics topics,
      Duration timeout,
      BooleanSupplier stopping)
      throws InterruptedException {
    boolean warned = false;
    while (!stopping.getAsBoolean()) {
      try {
        ensureTopics(bootstrap, overrides, topics, timeout);
        registerSchemas(bootstrap, overrides, topics, "auditor");
        return Optional.empty();
      } catch (IncompatibleSchemaException | SchemaRegistrationRefusedException e) {
        return Optional.of("the auditor cannot start: " + e.getMessage());
      } catch (IllegalStateException | KafkaException e) {
        if (!warned && !stopping.getAsBoolean()) {
          LOG.warn("cannot set up the auditor's topics yet, retrying: {}", e.getMessage());
          warned = true;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What {@code init} does for the auditor: creates its topics ({@link #ensureTopics}, and {@link
   * ReportLayout#ensure} its inputs topic) and registers its writer schemas ({@link
   * #registerSchemas}), so that an auditor whose principal may only read the schema store starts;
   * returns the topics created.
   */
  public static List<String> init(
      String bootstrap, Map<String, String> overrides, AuditorTopics topics, Duration timeout)
      throws InterruptedException {
    List<String> created =
        new java.util.ArrayList<>(ensureTopics(bootstrap, overrides, topics, timeout));
    created.addAll(ReportLayout.ensure(bootstrap, overrides, topics, timeout).created());
    registerSchemas(bootstrap, overrides, topics, "init");
    return created;
  }

  /**
   * Registers the auditor's writer schemas (the bank's, its deep-audit results and its state store
   * values) in the bank's schema store; {@code init} does it too, so that an auditor whose
   * principal may only read the store finds them there.
   */
  static void registerSchemas(
      String bootstrap, Map<String, String> overrides, AuditorTopics topics, String by) {
    new SchemaRegistry(bootstrap, overrides, topics.bank()).register(topics.writerSchemas(), by);
  }

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
    return TopicCreation.createMissing(bootstrap, overrides, topicsOf(topics), timeout);
  }
}
