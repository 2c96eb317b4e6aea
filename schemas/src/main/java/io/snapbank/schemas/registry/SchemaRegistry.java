package io.snapbank.schemas.registry;

import io.snapbank.schemas.SchemaVersion;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.kafka.PartitionScanner;
import io.snapbank.schemas.kafka.TopicCreation;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Registers writer schemas in a bank's schema store ({@code <prefix>.schemas}) and answers what the
 * store holds. Every process registers the schemas it writes with before its first record (where
 * Kafka's ACLs let it write the store; elsewhere it finds them registered or stops).
 *
 * <p>Registration is idempotent (a registered schema is not written again) and all or nothing: a
 * schema that is not compatible both ways with every registered version of its subject ({@link
 * SchemaRules}) is refused with {@link IncompatibleSchemaException} and none of the others is
 * written. New versions are written by the store's single writer, the transactional id {@code
 * <prefix>-schemas}: each registration fences the one before, then reads the whole store and
 * numbers the versions, so two processes registering at once never give two schemas the same
 * version. Stateless; every call connects anew.
 */
public final class SchemaRegistry {
  private static final int ATTEMPTS = 5;
  private final String bootstrap;
  private final Map<String, String> overrides;
  private final BankTopics topics;
  private final Duration timeout;
  private final LongSupplier clock;

  /** What a registration found: schemas it wrote, and schemas that were registered already. */
  public record Registration(List<RegisteredSchema> added, List<RegisteredSchema> existing) {
    public Registration {
      added = List.copyOf(added);
      existing = List.copyOf(existing);
    }
  }

  /** What the store holds, and the entries of its topic that are not registered schemas. */
  public record Listing(List<RegisteredSchema> schemas, List<String> unreadable) {
    public Listing {
      schemas = List.copyOf(schemas);
      unreadable = List.copyOf(unreadable);
    }
  }

  public SchemaRegistry(String bootstrap, Map<String, String> overrides, BankTopics topics) {
    this(bootstrap, overrides, topics, KafkaSchemaStore.DEFAULT_TIMEOUT, System::currentTimeMillis);
  }

  public SchemaRegistry(
      String bootstrap,
      Map<String, String> overrides,
      BankTopics topics,
      Duration timeout,
      LongSupplier clock) {
    this.bootstrap = bootstrap;
    this.overrides = Map.copyOf(overrides);
    this.topics = topics;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The store's topic: one partition, compacted. */
  public static NewTopic newTopic(String name) {
    return new NewTopic(name, Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /**
   * Registers the writer schemas of every serde of {@link BankTopics#serdes()}, the store's own
   * record, and {@code more}.
   */
  public Registration registerWriters(String registeredBy, Collection<Schema> more) {
    List<Schema> all = new ArrayList<>(topics.serdes().writerSchemas());
    all.add(SchemaVersion.getClassSchema());
    all.addAll(more);
    return register(all, registeredBy);
  }

  /**
   * Registers {@code schemas} that the store does not hold yet, creating the store's topic if it is
   * missing. Throws {@link IncompatibleSchemaException} (nothing registered) when one of them is
   * not compatible both ways with every registered version of its subject, and {@link
   * SchemaRegistrationRefusedException} when schemas are missing and Kafka's ACLs do not let this
   * client write the store.
   */
  public Registration register(Collection<Schema> schemas, String registeredBy) {
    Map<SchemaFingerprint, Schema> wanted = new LinkedHashMap<>();
    schemas.forEach(s -> wanted.putIfAbsent(SchemaFingerprint.of(s), s));
    List<RegisteredSchema> missing;
    try (KafkaSchemaStore store = new KafkaSchemaStore(bootstrap, overrides, topics, timeout)) {
      Plan plan = plan(wanted.values(), store.all(), registeredBy, store.topic());
      if (plan.added().isEmpty()) {
        return new Registration(List.of(), plan.existing());
      }
      missing = plan.added();
    }
    try {
      ensureTopic();
      return write(wanted.values(), registeredBy);
    } catch (IllegalStateException | KafkaException e) {
      AuthorizationException refused = authorizationCause(e);
      if (refused != null) {
        throw new SchemaRegistrationRefusedException(topics.schemas().name(), missing, refused);
      }
      throw e;
    }
  }

  private static AuthorizationException authorizationCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof AuthorizationException a) {
        return a;
      }
    }
    return null;
  }

  /** Writes the schemas of {@code wanted} that the store lacks, as its single fenced writer. */
  private Registration write(Collection<Schema> wanted, String registeredBy) {
    for (int attempt = 1; ; attempt++) {
      try (KafkaProducer<byte[], byte[]> p =
          KafkaClients.transactionalProducer(bootstrap, topics.prefix() + "-schemas", overrides)) {
        p.initTransactions(); // fences any other registration, so the store read next is whole
        try (KafkaSchemaStore store = new KafkaSchemaStore(bootstrap, overrides, topics, timeout)) {
          Plan plan = plan(wanted, store.all(), registeredBy, store.topic());
          if (plan.added().isEmpty()) {
            return new Registration(List.of(), plan.existing());
          }
          p.beginTransaction();
          for (RegisteredSchema r : plan.added()) {
            p.send(
                new ProducerRecord<>(
                    topics.schemas().name(),
                    0,
                    r.fingerprint().hex().getBytes(StandardCharsets.UTF_8),
                    topics.schemas().encode(r.toRecord())));
          }
          p.commitTransaction();
          return new Registration(plan.added(), plan.existing());
        }
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        if (attempt >= ATTEMPTS) {
          throw new IllegalStateException(
              "cannot register schemas in "
                  + topics.schemas().name()
                  + ": other processes kept registering at the same time",
              e);
        }
      }
    }
  }

  private record Plan(List<RegisteredSchema> added, List<RegisteredSchema> existing) {}

  /** The versions to write, against the store's content; refuses an incompatible schema. */
  private Plan plan(
      Collection<Schema> wanted, List<RegisteredSchema> held, String by, String storeName) {
    List<RegisteredSchema> known = new ArrayList<>(held);
    List<RegisteredSchema> added = new ArrayList<>();
    List<RegisteredSchema> existing = new ArrayList<>();
    List<SchemaCheck> refused = new ArrayList<>();
    long now = clock.getAsLong();
    for (Schema s : wanted) {
      SchemaCheck c = SchemaRules.judge(s, known);
      switch (c.status()) {
        case REGISTERED ->
            known.stream()
                .filter(r -> r.fingerprint().equals(c.fingerprint()))
                .findFirst()
                .ifPresent(existing::add);
        case INCOMPATIBLE -> refused.add(c);
        case NEW_SUBJECT, COMPATIBLE -> {
          int version =
              known.stream()
                      .filter(r -> r.subject().equals(c.subject()))
                      .mapToInt(RegisteredSchema::version)
                      .max()
                      .orElse(0)
                  + 1;
          RegisteredSchema r =
              new RegisteredSchema(c.subject(), version, c.fingerprint(), s, now, by);
          added.add(r);
          known.add(r);
        }
      }
    }
    if (!refused.isEmpty()) {
      throw new IncompatibleSchemaException(storeName, refused);
    }
    return new Plan(added, existing);
  }

  /** How each of {@code schemas} stands against what the store holds now; writes nothing. */
  public List<SchemaCheck> check(Collection<Schema> schemas) {
    List<RegisteredSchema> held = list().schemas();
    List<SchemaCheck> out = new ArrayList<>();
    schemas.forEach(s -> out.add(SchemaRules.judge(s, held)));
    return out;
  }

  /** Whether the store's topic exists (a process of this release has registered its schemas). */
  public boolean exists() {
    try (PartitionScanner scanner = new PartitionScanner(bootstrap, overrides)) {
      return scanner.exists(topics.schemas().name(), timeout);
    }
  }

  /** What the store holds now. */
  public Listing list() {
    try (KafkaSchemaStore store = new KafkaSchemaStore(bootstrap, overrides, topics, timeout)) {
      List<RegisteredSchema> all = store.all();
      return new Listing(all, store.unreadable());
    }
  }

  /** Creates the store's topic unless it exists. */
  private void ensureTopic() {
    try {
      TopicCreation.createMissing(
          bootstrap, overrides, List.of(newTopic(topics.schemas().name())), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating " + topics.schemas().name(), e);
    }
  }
}
