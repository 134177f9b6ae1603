/**
 * The record-batch messages of an Arrow IPC stream, as the bytes they arrived in. The hub forwards a
 * site's batch to its readers as it came, instead of building Arrow vectors from the decoded rows and
 * writing them again: re-encoding every site answer cost the hub's event loop as much as decoding it,
 * and under a flood of crosstabs that delayed every other caller (issue 11).
 *
 * A message on the wire is: the continuation marker 0xFFFFFFFF, the metadata length (int32, little
 * endian), the flatbuffer metadata (padded to 8 bytes), then the body, whose length the metadata
 * states. A length of 0 is the end-of-stream marker. (Streams from before format 0.15 lack the marker;
 * they are read too.) Only plain record batches are returned: a stream with dictionary batches or a
 * compressed body gets `undefined`, and the caller re-encodes instead.
 */
import { Message } from 'apache-arrow';

const CONTINUATION = -1;

export function recordBatchMessages(bytes: Uint8Array): Buffer[] | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const start = pos;
    let metaLength = buf.readInt32LE(pos);
    pos += 4;
    if (metaLength === CONTINUATION) {
      if (pos + 4 > buf.length) return undefined;
      metaLength = buf.readInt32LE(pos);
      pos += 4;
    }
    if (metaLength === 0) return out;
    if (metaLength < 0 || pos + metaLength > buf.length) return undefined;
    const message = Message.decode(buf.subarray(pos, pos + metaLength));
    const end = pos + metaLength + Number(message.bodyLength);
    if (end > buf.length) return undefined;
    if (message.isRecordBatch()) {
      if (message.header().compression !== null) return undefined;
      out.push(buf.subarray(start, end));
    } else if (!message.isSchema()) {
      return undefined;
    }
    pos = end;
  }
  // A stream may end without its end-of-stream marker; anything left over is not a whole message.
  return pos === buf.length ? out : undefined;
}
