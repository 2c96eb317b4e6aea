package io.snapbank.node.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link NodeOutput} that keeps every effect, for tests. */
final class RecordingOutput implements NodeOutput {
  final List<String> sent = new ArrayList<>();
  final List<ChannelMessage> messages = new ArrayList<>();
  final List<LocalSnapshot> completed = new ArrayList<>();
  final Map<String, Long> balances = new TreeMap<>();
  final List<QuarantineReason> quarantined = new ArrayList<>();
  final List<String> details = new ArrayList<>();
  final List<String> halts = new ArrayList<>();

  @Override
  public void send(int to, ChannelMessage message) {
    messages.add(message);
    sent.add((message.isMarker() ? "marker" : "transfer") + " to " + to + " seq " + message.seq());
  }

  @Override
  public void snapshotCompleted(LocalSnapshot snapshot) {
    completed.add(snapshot);
  }

  @Override
  public void balanceChanged(String account, long balance) {
    balances.put(account, balance);
  }

  @Override
  public void quarantine(QuarantineReason reason, String detail) {
    quarantined.add(reason);
    details.add(detail);
  }

  @Override
  public void halt(String reason) {
    halts.add(reason);
  }
}
