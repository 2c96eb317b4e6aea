package io.snapbank.node.codec;

import io.snapbank.node.core.ChannelCounters;
import io.snapbank.node.core.ChannelMessage;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.Transfer;

/**
 * Maps channel records on the wire ({@link ChannelRecord}) to the core's view and back. Pure. A
 * final record travels as a record with {@code final} set and a body that moves nothing (a transfer
 * of 0), so a reader that does not know the flag sets it aside.
 */
public final class ChannelCodec {
  private static final String FINAL_ID = "final";

  private ChannelCodec() {}

  public static ChannelMessage toMessage(ChannelRecord r) {
    ChannelMessage.Body body;
    ChannelCounters sent =
        r.getSentCount() < 0 || r.getSentSum() < 0
            ? null
            : new ChannelCounters(r.getSentCount(), r.getSentSum());
    if (r.getFinal$()) {
      body = new ChannelMessage.Final(sent);
    } else if (r.getBody() instanceof Marker m) {
      body = new ChannelMessage.Marker(m.getSnapshotId(), sent);
    } else if (r.getBody() instanceof Transfer t) {
      body =
          new ChannelMessage.Transfer(
              t.getTransferId(),
              t.getFromAccount(),
              t.getToAccount(),
              t.getAmount(),
              t.getSentAtMs());
    } else {
      throw new IllegalArgumentException("a channel record without a body: " + r);
    }
    return new ChannelMessage(
        r.getSender(), r.getReceiver(), r.getSeq(), body, r.getEpoch(), r.getLane(), r.getColour());
  }

  public static ChannelRecord toRecord(ChannelMessage m) {
    Object body;
    boolean last = false;
    ChannelCounters sent = null;
    if (m.body() instanceof ChannelMessage.Marker mk) {
      body = new Marker(mk.snapshotId());
      sent = mk.sent();
    } else if (m.body() instanceof ChannelMessage.Transfer t) {
      body = new Transfer(t.transferId(), t.fromAccount(), t.toAccount(), t.amount(), t.sentAtMs());
    } else {
      body = new Transfer(FINAL_ID, "", "", 0L, 0L);
      last = true;
      sent = ((ChannelMessage.Final) m.body()).sent();
    }
    // the all-fields constructor: the builder's per-field validation costs more than the record
    return new ChannelRecord(
        m.sender(),
        m.receiver(),
        m.seq(),
        body,
        m.epoch(),
        last,
        m.lane(),
        m.colour(),
        sent == null ? -1 : sent.count(),
        sent == null ? 0 : sent.sum());
  }
}
