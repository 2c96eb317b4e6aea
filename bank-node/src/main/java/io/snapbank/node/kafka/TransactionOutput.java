package io.snapbank.node.kafka;

import io.snapbank.node.codec.ChannelCodec;
import io.snapbank.node.codec.ReportCodec;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.LocalSnapshot;
import io.snapbank.node.core.NodeOutput;
import io.snapbank.node.core.QuarantineReason;
import io.snapbank.schemas.BalanceChange;
import io.snapbank.schemas.QuarantineEnvelope;
import io.snapbank.schemas.topic.BankTopics;
import io.snapbank.schemas.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a node core's effects into records of the node's open transaction: channel records on
 * partition {@code to} of the node's own transfers topic, snapshot reports, quarantine envelopes
 * holding the input being handled, and, at commit, one balance change per account that changed. The
 * transaction begins with the first record, not before, so a node with nothing to say never holds
 * an open transaction. Single-threaded, like the loop that owns it.
 */
final class TransactionOutput implements NodeOutput {
  private final Producer<byte[], byte[]> producer;
  private final BankTopics topics;
  private final int nodeId;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final Topic<String, io.snapbank.schemas.ChannelRecord> channels;
  private final Map<String, Long> balances = new HashMap<>();
  private ConsumerRecord<byte[], byte[]> current;
  private String halt;
  private boolean open;
  private boolean snapshotWork;

  TransactionOutput(
      Producer<byte[], byte[]> producer,
      BankTopics topics,
      int nodeId,
      Clock clock,
      NodeMetrics metrics) {
    this.producer = producer;
    this.topics = topics;
    this.nodeId = nodeId;
    this.clock = clock;
    this.metrics = metrics;
    this.channels = topics.transfers(nodeId);
  }

  /** The input the next effects are about (quarantine keeps it whole). */
  void handling(ConsumerRecord<byte[], byte[]> record) {
    this.current = record;
  }

  /** The reason the core halted, if it did. */
  String halted() {
    return halt;
  }

  /** Whether a transaction is open. */
  boolean isOpen() {
    return open;
  }

  /**
   * Whether the open transaction holds a marker or a snapshot report: another node or the auditor
   * waits for it, so it is worth committing now rather than at the next interval.
   */
  boolean holdsSnapshotWork() {
    return snapshotWork;
  }

  /** Opens the transaction if it is not open yet. */
  void begin() {
    if (!open) {
      producer.beginTransaction();
      open = true;
    }
  }

  /** Writes the balance changes collected since the last commit into the transaction. */
  void flushBalances() {
    long now = clock.millis();
    for (Map.Entry<String, Long> e : new TreeMap<>(balances).entrySet()) {
      write(
          topics.balances(),
          null,
          e.getKey(),
          new BalanceChange(nodeId, e.getKey(), e.getValue(), now));
    }
    balances.clear();
  }

  /** The transaction committed or aborted: forget what was collected for it. */
  void closed() {
    open = false;
    snapshotWork = false;
    balances.clear();
    halt = null;
  }

  @Override
  public void send(int to, ChannelMessage message) {
    String key;
    if (message.body() instanceof ChannelMessage.Transfer t) {
      key = t.transferId();
    } else if (message.body() instanceof ChannelMessage.Marker m) {
      key = "marker-" + m.snapshotId();
      snapshotWork = true;
    } else {
      key = "final";
    }
    write(
        channels, topics.channelPartition(to, message.lane()), key, ChannelCodec.toRecord(message));
  }

  @Override
  public void snapshotCompleted(LocalSnapshot snapshot) {
    write(
        topics.snapshotReports(),
        null,
        Long.toString(snapshot.snapshotId()),
        ReportCodec.report(snapshot));
    snapshotWork = true;
    metrics.snapshotCompleted();
  }

  @Override
  public void balanceChanged(String account, long balance) {
    balances.put(account, balance);
  }

  @Override
  public void quarantine(QuarantineReason reason, String detail) {
    ConsumerRecord<byte[], byte[]> r = current;
    QuarantineEnvelope env =
        new QuarantineEnvelope(
            reason.name(),
            detail == null ? "" : detail,
            r.topic(),
            r.partition(),
            r.offset(),
            r.key() == null ? null : ByteBuffer.wrap(r.key()),
            r.value() == null ? null : ByteBuffer.wrap(r.value()),
            "node-" + nodeId,
            clock.millis());
    write(topics.quarantine(), null, r.topic() + "/" + r.partition() + "/" + r.offset(), env);
    metrics.quarantined(reason);
  }

  @Override
  public void halt(String reason) {
    this.halt =
        reason + " [" + current.topic() + "/" + current.partition() + "@" + current.offset() + "]";
  }

  private <V> void write(Topic<String, V> topic, Integer partition, String key, V value) {
    begin();
    producer.send(
        new ProducerRecord<>(
            topic.name(), partition, key.getBytes(StandardCharsets.UTF_8), topic.encode(value)));
  }
}
