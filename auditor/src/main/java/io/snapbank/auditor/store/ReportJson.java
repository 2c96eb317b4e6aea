package io.snapbank.auditor.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.snapbank.schemas.AccountBalance;
import io.snapbank.schemas.AuditReport;
import io.snapbank.schemas.BankEpoch;
import io.snapbank.schemas.ChannelState;
import io.snapbank.schemas.InFlightTransfer;
import io.snapbank.schemas.NodeFigure;
import java.util.Collection;

/** Plain JSON for audit reports (files and the web API): field names as in the Avro schema. */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  public static ObjectNode node(AuditReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("snapshotId", r.getSnapshotId());
    o.put("status", r.getStatus().name());
    o.put("expectedTotal", r.getExpectedTotal());
    o.put("balancesTotal", r.getBalancesTotal());
    o.put("inFlightTotal", r.getInFlightTotal());
    o.put("difference", r.getDifference());
    o.put("requestedAtMs", r.getRequestedAtMs());
    o.put("completedAtMs", r.getCompletedAtMs());
    o.put("latencyMs", r.getLatencyMs());
    o.put("epoch", r.getEpoch());
    o.put("incarnation", r.getIncarnation());
    ArrayNode members = o.putArray("members");
    r.getMembers().forEach(members::add);
    if (r.getRetryOf() >= 0) {
      o.put("retryOf", r.getRetryOf());
    }
    if (!r.getAbortReason().isEmpty()) {
      o.put("abortReason", r.getAbortReason());
    }
    ArrayNode nodes = o.putArray("nodes");
    for (NodeFigure n : r.getNodes()) {
      ObjectNode x = nodes.addObject();
      x.put("nodeId", n.getNodeId());
      x.put("balancesTotal", n.getBalancesTotal());
      x.put("accounts", n.getAccounts());
      ObjectNode b = x.putObject("balances");
      for (AccountBalance a : n.getBalances()) {
        b.put(a.getAccount(), a.getBalance());
      }
    }
    ArrayNode chans = o.putArray("channels");
    for (ChannelState c : r.getChannels()) {
      ObjectNode x = chans.addObject();
      x.put("fromNode", c.getFromNode());
      x.put("toNode", c.getToNode());
      x.put("lane", c.getLane());
      x.put("firstOffset", c.getFirstOffset());
      x.put("markerOffset", c.getMarkerOffset());
      x.put("count", c.getCount());
      x.put("sum", c.getSum());
    }
    ArrayNode missing = o.putArray("missingNodes");
    r.getMissingNodes().forEach(missing::add);
    ArrayNode problems = o.putArray("problems");
    r.getProblems().forEach(problems::add);
    if (r.getDeepAudit() != null) {
      ObjectNode d = o.putObject("deepAudit");
      d.put("verified", r.getDeepAudit().getVerified());
      ArrayNode ts = d.putArray("transfers");
      for (InFlightTransfer t : r.getDeepAudit().getTransfers()) {
        ObjectNode x = ts.addObject();
        x.put("fromNode", t.getFromNode());
        x.put("toNode", t.getToNode());
        x.put("offset", t.getOffset());
        x.put("transferId", t.getTransferId());
        x.put("amount", t.getAmount());
      }
      ArrayNode dp = d.putArray("problems");
      r.getDeepAudit().getProblems().forEach(dp::add);
    }
    return o;
  }

  /**
   * One entry of the bank's epoch log: when, why and by whom the bank changed, its members, and the
   * money the change brought in or took out.
   */
  public static ObjectNode epochNode(BankEpoch e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("epoch", e.getEpoch());
    o.put("kind", e.getKind().name());
    o.put("incarnation", e.getIncarnation());
    o.put("createdAtMs", e.getCreatedAtMs());
    o.put("requestedBy", e.getRequestedBy());
    o.put("reason", e.getReason());
    ArrayNode members = o.putArray("members");
    e.getMembers().forEach(members::add);
    o.put("moneyIn", e.getMoneyIn());
    o.put("moneyOut", e.getMoneyOut());
    if (e.getJoined() != null) {
      o.put("joined", e.getJoined().getNodeId());
    }
    if (e.getLeaving() != null) {
      o.put("leaving", e.getLeaving().getNodeId());
    }
    if (e.getRestore() != null) {
      ObjectNode r = o.putObject("restore");
      r.put("snapshotId", e.getRestore().getSnapshotId());
      r.put("cutEpoch", e.getRestore().getCutEpoch());
      r.put("expectedTotal", e.getRestore().getExpectedTotal());
    }
    return o;
  }

  /** The epoch log as a JSON array, oldest first. */
  public static String epochsToJson(Collection<BankEpoch> epochs) {
    ArrayNode a = MAPPER.createArrayNode();
    epochs.forEach(e -> a.add(epochNode(e)));
    return write(a);
  }

  public static String toJson(AuditReport r) {
    return write(node(r));
  }

  public static String toJson(Collection<AuditReport> reports) {
    ArrayNode a = MAPPER.createArrayNode();
    reports.forEach(r -> a.add(node(r)));
    return write(a);
  }

  /** A one-field JSON object, {@code {"<field>": "<text>"}}, the text escaped. */
  public static String message(String field, String text) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put(field, text);
    return write(o);
  }

  private static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
