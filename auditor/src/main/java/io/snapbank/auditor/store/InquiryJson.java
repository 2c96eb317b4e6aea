package io.snapbank.auditor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.snapbank.auditor.core.CutDiff;
import io.snapbank.auditor.core.Diagnosis;
import io.snapbank.auditor.core.SnapshotProgress;

/**
 * Plain JSON for the answers of {@code why} (a snapshot's progress and its diagnosis) and {@code
 * diff} (two cuts side by side), as the CLI's {@code --json} and the web API give them. Money is in
 * minor units, as everywhere in snapbank's JSON.
 */
public final class InquiryJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private InquiryJson() {}

  /** A snapshot's progress and the diagnosis of it. */
  public static String why(SnapshotProgress p, Diagnosis d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("snapshotId", p.snapshotId());
    o.put("stage", p.stage().name());
    if (!p.abortReason().isEmpty()) {
      o.put("abortReason", p.abortReason());
    }
    o.put("requestedAtMs", p.requestedAtMs());
    o.put("epoch", p.epoch());
    ArrayNode members = o.putArray("members");
    p.members().forEach(members::add);
    o.put("cause", d.cause().name());
    o.put("explanation", d.text());
    ArrayNode evidence = o.putArray("evidence");
    d.evidence().forEach(evidence::add);
    ArrayNode nodes = o.putArray("nodes");
    for (SnapshotProgress.NodeProgress n : p.nodes()) {
      ObjectNode x = nodes.addObject();
      x.put("nodeId", n.node());
      x.put("recorded", n.recorded());
      x.put("reported", n.reported());
      x.put("lastCommitMs", n.lastCommitMs());
      x.put("epoch", n.nodeEpoch());
    }
    ArrayNode channels = o.putArray("channels");
    for (SnapshotProgress.ChannelProgress c : p.channels()) {
      ObjectNode x = channels.addObject();
      x.put("fromNode", c.from());
      x.put("toNode", c.to());
      x.put("closed", c.closed());
      x.put("receiverPosition", c.receiverPosition());
      x.put("markerOffset", c.markerOffset());
      x.put("recordsBeforeMarker", c.recordsBeforeMarker());
      x.put("lastStableOffset", c.lastStableOffset());
      x.put("highWatermark", c.highWatermark());
      x.put("openTransaction", c.openTransaction());
    }
    return write(o);
  }

  /** Two cuts side by side and whether their difference adds up. */
  public static String diff(CutDiff d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("before", d.before());
    o.put("after", d.after());
    o.put("addsUp", d.addsUp());
    ArrayNode problems = o.putArray("problems");
    d.problems().forEach(problems::add);
    ObjectNode totals = o.putObject("totals");
    totals.put("balancesBefore", d.balancesBefore());
    totals.put("balancesAfter", d.balancesAfter());
    totals.put("balancesChange", d.balancesChange());
    totals.put("inFlightBefore", d.inFlightBefore());
    totals.put("inFlightAfter", d.inFlightAfter());
    totals.put("moneyInOut", d.moneyInOut());
    ArrayNode nodes = o.putArray("nodes");
    for (CutDiff.NodeChange n : d.nodes()) {
      ObjectNode x = nodes.addObject();
      x.put("nodeId", n.node());
      x.put("before", n.before());
      x.put("after", n.after());
      x.put("change", n.change());
      x.put("sent", n.sent());
      x.put("received", n.received());
      x.put("addsUp", n.addsUp());
    }
    ArrayNode channels = o.putArray("channels");
    for (CutDiff.ChannelChange c : d.channels()) {
      ObjectNode x = channels.addObject();
      x.put("fromNode", c.from());
      x.put("toNode", c.to());
      x.put("sentCount", c.sentCount());
      x.put("sent", c.sent());
      x.put("receivedCount", c.receivedCount());
      x.put("received", c.received());
      x.put("inFlightBefore", c.inFlightBefore());
      x.put("inFlightAfter", c.inFlightAfter());
      x.put("addsUp", c.addsUp());
    }
    ArrayNode accounts = o.putArray("accounts");
    for (CutDiff.AccountChange a : d.accounts()) {
      ObjectNode x = accounts.addObject();
      x.put("nodeId", a.node());
      x.put("account", a.account());
      x.put("before", a.before());
      x.put("after", a.after());
      x.put("change", a.change());
      x.put("sent", a.sent());
      x.put("received", a.received());
      x.put("local", a.local());
    }
    return write(o);
  }

  private static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
