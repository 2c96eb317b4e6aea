package io.snapbank.node.codec;

import io.snapbank.node.core.ChannelMessage;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.Marker;
import io.snapbank.schemas.Transfer;

/** Maps channel records on the wire ({@link ChannelRecord}) to the core's view and back. Pure. */
public final class ChannelCodec {
  private ChannelCodec() {}

  public static ChannelMessage toMessage(ChannelRecord r) {
    ChannelMessage.Body body;
    if (r.getBody() instanceof Marker m) {
      body = new ChannelMessage.Marker(m.getSnapshotId());
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
    return new ChannelMessage(r.getSender(), r.getReceiver(), r.getSeq(), body, r.getEpoch());
  }

  public static ChannelRecord toRecord(ChannelMessage m) {
    Object body;
    if (m.body() instanceof ChannelMessage.Marker mk) {
      body = new Marker(mk.snapshotId());
    } else {
      ChannelMessage.Transfer t = (ChannelMessage.Transfer) m.body();
      body = new Transfer(t.transferId(), t.fromAccount(), t.toAccount(), t.amount(), t.sentAtMs());
    }
    return new ChannelRecord(m.sender(), m.receiver(), m.seq(), body, m.epoch());
  }
}
