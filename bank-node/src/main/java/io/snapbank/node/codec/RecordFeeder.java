package io.snapbank.node.codec;

import io.snapbank.node.core.ChannelMessage;
import io.snapbank.node.core.Handled;
import io.snapbank.node.core.Lane;
import io.snapbank.node.core.NodeCore;
import io.snapbank.node.core.SnapshotCall;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.SnapshotAbort;
import io.snapbank.schemas.SnapshotRequest;
import io.snapbank.schemas.serde.RecordDecodingException;
import io.snapbank.schemas.serde.SnapbankSerdes;

/**
 * Decodes a node's input records and feeds them to its {@link NodeCore}: the one decode path of the
 * Kafka driver and of the simulator. A payload that is empty or not a record of the input's type
 * goes to the core as unreadable, which sets it aside. Stateless and thread-safe.
 */
public final class RecordFeeder {
  private final SnapbankSerdes serdes;

  public RecordFeeder(SnapbankSerdes serdes) {
    this.serdes = serdes;
  }

  /** What became of a channel record: the core's result, and the message if it decoded. */
  public record Fed(Handled handled, ChannelMessage message) {}

  /** The record at {@code offset} of lane {@code sender}→core, as bytes. */
  public Fed channel(NodeCore core, Lane sender, long offset, byte[] value, long nowMs) {
    ChannelRecord rec;
    try {
      rec = value == null ? null : serdes.channelRecord().decode(value);
    } catch (RecordDecodingException e) {
      return new Fed(core.onUnreadableChannelRecord(sender, offset, e.getMessage()), null);
    }
    if (rec == null) {
      return new Fed(core.onUnreadableChannelRecord(sender, offset, "empty channel record"), null);
    }
    ChannelMessage m = ChannelCodec.toMessage(rec);
    return new Fed(core.onChannelRecord(sender, offset, m, nowMs), m);
  }

  /** The channel message a payload holds, or null when it holds none. */
  public ChannelMessage message(byte[] value) {
    try {
      return value == null ? null : ChannelCodec.toMessage(serdes.channelRecord().decode(value));
    } catch (RecordDecodingException e) {
      return null;
    }
  }

  /** What became of a snapshot request: the core's result, and the request if it decoded. */
  public record FedRequest(Handled handled, SnapshotCall call) {}

  /** A snapshot request, as bytes. */
  public FedRequest request(NodeCore core, byte[] value, long nowMs) {
    SnapshotRequest req;
    try {
      req = value == null ? null : serdes.snapshotRequest().decode(value);
    } catch (RecordDecodingException e) {
      return new FedRequest(core.onUnreadableControlRecord(e.getMessage()), null);
    }
    if (req == null) {
      return new FedRequest(core.onUnreadableControlRecord("empty snapshot request"), null);
    }
    SnapshotCall call =
        new SnapshotCall(
            req.getSnapshotId(),
            req.getInitiators(),
            Math.max(SnapshotCall.ANY_EPOCH, req.getEpoch()),
            req.getRequestedAtMs());
    return new FedRequest(core.onSnapshotRequest(call, nowMs), call);
  }

  /** A snapshot abort, as bytes. */
  public Handled abort(NodeCore core, byte[] value) {
    SnapshotAbort abort;
    try {
      abort = value == null ? null : serdes.snapshotAbort().decode(value);
    } catch (RecordDecodingException e) {
      return core.onUnreadableControlRecord(e.getMessage());
    }
    if (abort == null) {
      return core.onUnreadableControlRecord("empty snapshot abort");
    }
    return core.onSnapshotAbort(abort.getSnapshotId());
  }
}
