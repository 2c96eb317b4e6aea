package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.auditor.core.AuditRules;
import io.snapbank.auditor.core.Members;
import io.snapbank.cli.security.BankPrincipals;
import io.snapbank.node.config.NodeConfig;
import io.snapbank.node.harness.LocalBank;
import io.snapbank.node.kafka.BankNode;
import io.snapbank.node.kafka.BankSetup;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.AuditStatus;
import io.snapbank.schemas.BankGenesis;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Transfer;
import io.snapbank.schemas.kafka.KafkaClients;
import io.snapbank.schemas.topic.BankTopics;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks of the security issue, each against a secure broker with the bank's real principals
 * and ACLs ({@code init --secure}): each is rejected with an authorization or authentication error,
 * and what it aimed at is unchanged, read back up to end offsets taken after the attack.
 */
class SecurityAttacksTest {
  private static final String PREFIX = "attacked";
  private static final int NODES = 3;
  private static final BankTopics TOPICS = BankTopics.of(PREFIX);
  private static BankGenesis genesis;

  @BeforeAll
  static void bank() throws Exception {
    SecureCluster.init(PREFIX, NODES);
    genesis =
        BankSetup.readGenesis(
                SecureCluster.bootstrap(),
                SecureCluster.broker().adminClientConfig(),
                TOPICS,
                Duration.ofSeconds(30))
            .orElseThrow();
  }

  /** Short timeouts, so a refused client gives up instead of retrying for minutes. */
  private static Map<String, String> quick(Map<String, String> config) {
    Map<String, String> c = new HashMap<>(config);
    c.put("max.block.ms", "15000");
    c.put("delivery.timeout.ms", "20000");
    c.put("request.timeout.ms", "10000");
    c.put("default.api.timeout.ms", "15000");
    return c;
  }

  /** For a client the broker never answers: it gives up after a few seconds. */
  private static Map<String, String> unanswered(Map<String, String> config) {
    Map<String, String> c = quick(config);
    c.put("max.block.ms", "5000");
    return c;
  }

  private static Map<String, String> as(String principal) {
    return quick(SecureCluster.config(principal));
  }

  /** The end offsets of every partition of {@code topic}, read by the admin. */
  private static Map<TopicPartition, Long> ends(String topic, int partitions) throws Exception {
    try (Admin admin =
        BankSetup.admin(SecureCluster.bootstrap(), SecureCluster.broker().adminClientConfig())) {
      Map<TopicPartition, OffsetSpec> specs =
          IntStream.range(0, partitions)
              .boxed()
              .collect(
                  Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
      return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).entrySet().stream()
          .collect(
              Collectors.toMap(
                  Map.Entry::getKey,
                  e -> ((ListOffsetsResult.ListOffsetsResultInfo) e.getValue()).offset()));
    }
  }

  /** Tries to write {@code value} to {@code topic} with a plain producer as {@code config}. */
  private static Throwable write(
      Map<String, String> config, String topic, int partition, byte[] v) {
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.producer(SecureCluster.bootstrap(), config)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  p.send(new ProducerRecord<>(topic, partition, "forged".getBytes(), v))
                      .get(30, TimeUnit.SECONDS));
      return e.getCause();
    }
  }

  private static byte[] forgedTransfer(int from, int to) {
    return TOPICS
        .transfers(from)
        .encode(
            new ChannelRecord(
                from,
                to,
                1L,
                new Transfer(
                    from + "-999999",
                    BankSetup.accountName(from, 0),
                    BankSetup.accountName(to, 0),
                    1_000_000L,
                    System.currentTimeMillis()),
                0L,
                false,
                0,
                -1L,
                -1L,
                0L));
  }

  @Test
  void
      when_node_1_writes_node_2s_channel_then_topic_authorization_fails_and_the_channel_is_unchanged()
          throws Exception {
    String channel = TOPICS.transfers(2).name();
    Map<TopicPartition, Long> before = ends(channel, NODES);
    Throwable plain = write(as(SecureCluster.node(1)), channel, 0, forgedTransfer(2, 0));
    assertInstanceOf(TopicAuthorizationException.class, plain);
    assertTrue(plain.getMessage().contains(channel), plain.getMessage());
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.transactionalProducer(
            SecureCluster.bootstrap(), PREFIX + "-node-1", as(SecureCluster.node(1)))) {
      p.initTransactions(); // its own transactional id: allowed
      p.beginTransaction();
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  p.send(new ProducerRecord<>(channel, 0, "x".getBytes(), forgedTransfer(2, 0)))
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, e.getCause());
      p.abortTransaction();
    }
    assertEquals(before, ends(channel, NODES), "nothing reached node 2's channel");
  }

  @Test
  void when_node_1_takes_node_2s_transactional_id_then_it_is_refused_and_node_2_keeps_committing()
      throws Exception {
    try (LocalBank bank = new LocalBank(TOPICS)) {
      BankNode two =
          bank.startAndAwait(
              NodeConfig.of(SecureCluster.bootstrap(), PREFIX, 2)
                  .withRate(50)
                  .withCommitInterval(50)
                  .withClientOverrides(SecureCluster.config(SecureCluster.node(2))),
              Duration.ofSeconds(60));
      try (KafkaProducer<byte[], byte[]> p =
          KafkaClients.transactionalProducer(
              SecureCluster.bootstrap(), PREFIX + "-node-2", as(SecureCluster.node(1)))) {
        AuthorizationException e = assertThrows(AuthorizationException.class, p::initTransactions);
        assertInstanceOf(TransactionalIdAuthorizationException.class, e);
      }
      TopicPartition state = new TopicPartition(TOPICS.nodeState().name(), 2);
      long after = ends(state.topic(), NODES).get(state);
      long deadline = System.currentTimeMillis() + 60_000;
      while (ends(state.topic(), NODES).get(state) <= after
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(
          ends(state.topic(), NODES).get(state) > after,
          "node 2 committed a checkpoint after the attack: it was not fenced");
      assertTrue(two.failure().isEmpty(), two.failure().orElse(""));
    }
  }

  @Test
  void
      when_a_node_forges_a_verdict_or_the_genesis_then_topic_authorization_fails_and_both_are_unchanged()
          throws Exception {
    String reports = TOPICS.auditReports().name();
    String genesisTopic = TOPICS.genesis().name();
    Map<TopicPartition, Long> reportsBefore = ends(reports, 1);
    Map<TopicPartition, Long> genesisBefore = ends(genesisTopic, 1);
    AuditReport verdict =
        AuditRules.aborted(424242, List.of(), Members.range(NODES), genesis.getTotal(), 0, 1);
    verdict.setStatus(AuditStatus.CONSISTENT);
    Throwable forged =
        write(as(SecureCluster.node(1)), reports, 0, TOPICS.auditReports().encode(verdict));
    assertInstanceOf(TopicAuthorizationException.class, forged);
    BankGenesis richer = BankSetup.genesis(NODES, 4, 1_000_000_000L, 0);
    Throwable rewritten =
        write(as(SecureCluster.node(1)), genesisTopic, 0, TOPICS.genesis().encode(richer));
    assertInstanceOf(TopicAuthorizationException.class, rewritten);
    assertEquals(reportsBefore, ends(reports, 1));
    assertEquals(genesisBefore, ends(genesisTopic, 1));
    assertEquals(
        genesis,
        BankSetup.readGenesis(
                SecureCluster.bootstrap(),
                as(SecureCluster.node(1)),
                TOPICS,
                Duration.ofSeconds(30))
            .orElseThrow(),
        "the genesis the nodes read is the one init wrote");
  }

  @Test
  void when_the_operator_or_the_auditor_writes_a_channel_then_topic_authorization_fails()
      throws Exception {
    String channel = TOPICS.transfers(0).name();
    Map<TopicPartition, Long> before = ends(channel, NODES);
    for (String principal : List.of(BankPrincipals.OPERATOR, BankPrincipals.AUDITOR)) {
      Throwable e = write(as(principal), channel, 1, forgedTransfer(0, 1));
      assertInstanceOf(TopicAuthorizationException.class, e, principal);
    }
    assertEquals(before, ends(channel, NODES));
  }

  @Test
  void when_credentials_are_missing_or_wrong_then_authentication_fails_and_nothing_is_written()
      throws Exception {
    String requests = TOPICS.snapshotRequests().name();
    Map<TopicPartition, Long> before = ends(requests, 1);
    // a wrong password of a real principal, and a principal that does not exist
    Throwable wrong =
        write(
            quick(SecureCluster.wrongPassword(BankPrincipals.OPERATOR)), requests, 0, new byte[1]);
    assertInstanceOf(SaslAuthenticationException.class, wrong);
    assertFalse(wrong.getMessage().contains("guessed"), wrong.getMessage());
    Map<String, String> mallory = new HashMap<>(SecureCluster.config(BankPrincipals.OPERATOR));
    mallory.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"mallory\""
            + " password=\"mallory-password\";");
    assertInstanceOf(
        SaslAuthenticationException.class, write(quick(mallory), requests, 0, new byte[1]));
    // TLS but no SASL login at all: the broker answers nothing but the SASL handshake
    Map<String, String> anonymous = new HashMap<>(SecureCluster.config(BankPrincipals.OPERATOR));
    anonymous.keySet().removeIf(k -> k.startsWith("sasl."));
    anonymous.put("security.protocol", "SSL");
    assertInstanceOf(
        TimeoutException.class, write(unanswered(anonymous), requests, 0, new byte[1]));
    // no TLS: plaintext Kafka requests are not answered
    assertInstanceOf(
        TimeoutException.class,
        write(unanswered(Map.of("security.protocol", "PLAINTEXT")), requests, 0, new byte[1]));
    assertEquals(before, ends(requests, 1));
  }

  @Test
  void when_a_plaintext_request_reaches_the_tls_listener_then_no_kafka_answer_comes_back()
      throws Exception {
    String[] hostPort = SecureCluster.bootstrap().split(":");
    // ApiVersions v0, correlation id 7, client id "x": a valid plaintext Kafka request
    ByteBuffer req = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + 1);
    req.putInt(11).putShort((short) 18).putShort((short) 0).putInt(7).putShort((short) 1);
    req.put((byte) 'x');
    try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(req.array());
      out.flush();
      InputStream in = s.getInputStream();
      byte[] answer = in.readAllBytes(); // the broker closes the connection
      boolean kafkaAnswer =
          answer.length >= 8 && ByteBuffer.wrap(answer, 4, 4).getInt() == 7; // correlation id
      assertFalse(kafkaAnswer, "a plaintext request got a Kafka answer");
      assertTrue(
          answer.length == 0 || answer[0] == 0x15, "nothing, or a TLS alert record: " + answer[0]);
    }
  }

  @Test
  void
      when_node_1_commits_offsets_for_node_2s_group_then_group_authorization_fails_and_they_are_unchanged()
          throws Exception {
    String group = PREFIX + "-node-2";
    TopicPartition input = new TopicPartition(TOPICS.transfers(1).name(), 2);
    Map<TopicPartition, OffsetAndMetadata> before = groupOffsets(group);
    Map<String, String> consumer = as(SecureCluster.node(1));
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.committedReader(SecureCluster.bootstrap(), group, consumer)) {
      c.assign(List.of(input));
      assertThrows(
          GroupAuthorizationException.class,
          () -> c.commitSync(Map.of(input, new OffsetAndMetadata(1_000_000L))));
    }
    try (KafkaProducer<byte[], byte[]> p =
        KafkaClients.transactionalProducer(
            SecureCluster.bootstrap(), PREFIX + "-node-1", as(SecureCluster.node(1)))) {
      p.initTransactions();
      p.beginTransaction();
      assertThrows(
          GroupAuthorizationException.class,
          () ->
              p.sendOffsetsToTransaction(
                  Map.of(input, new OffsetAndMetadata(1_000_000L)),
                  new ConsumerGroupMetadata(group)));
      p.abortTransaction();
    }
    assertEquals(before, groupOffsets(group));
  }

  private static Map<TopicPartition, OffsetAndMetadata> groupOffsets(String group)
      throws Exception {
    try (Admin admin =
        BankSetup.admin(SecureCluster.bootstrap(), SecureCluster.broker().adminClientConfig())) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
    }
  }
}
