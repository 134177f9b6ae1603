/**
 * Encodes one query's results stream exactly once, whatever the number of readers: the schema message,
 * then one IPC message per batch, then the end-of-stream marker, each captured as a Buffer. Live readers
 * get each Buffer as it is made; late readers get the stored ones replayed. Encoding per reader would
 * repeat the same work and make the replay depend on re-running the writer.
 */
import { AsyncByteQueue, RecordBatchStreamWriter, type Schema } from 'apache-arrow';
import { batchFromRows } from '../arrow/encode.js';
import type { ResultRow } from '../arrow/result-schema.js';
import { rowsKey } from '../arrow/rows-key.js';
import { Recent } from '../node/recent.js';

/**
 * The writer's sink. RecordBatchStreamWriter accepts an AsyncByteQueue (or subclass) as its sink and
 * writes to it synchronously, so collecting what it writes between two calls yields exactly the bytes of
 * the message those calls produced, with no stream plumbing or microtask hops in between.
 */
class CaptureQueue extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    // Views of the batch's own buffers are fine: take() copies them before anything can change.
    this.chunks.push(value);
  }

  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [];
    return out;
  }
}

/**
 * A copy of `bytes` in memory of its own. The results a query keeps outlive the request that made
 * them (up to the store's TTL); a small Buffer from Node's shared 8 KiB pool, or a slice of a site's
 * whole answer, would keep its whole slab alive with it, so the store would hold far more than it
 * counts (src/hub/query-store.ts bounds bytes).
 */
export function owned(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.byteLength);
  out.set(bytes);
  return out;
}

export class ResultEncoder {
  private readonly sink = new CaptureQueue();
  private readonly writer = new RecordBatchStreamWriter();
  private ended = false;
  /** The schema message: what a reader needs before any batch. */
  readonly header: Buffer;

  constructor(readonly schema: Schema) {
    this.writer.reset(this.sink, schema);
    this.header = this.sink.take();
  }

  /** One record batch message for `rows` (re-encoded against the hub's schema). */
  encode(rows: ResultRow[]): Buffer {
    if (this.ended) throw new Error('results stream already ended');
    return keptBatch(this.schema, rows, () => {
      this.writer.write(batchFromRows(this.schema, rows));
      return this.sink.take();
    });
  }

  /** One record batch message for a batch built elsewhere (the rounds kinds' tables). */
  encodeBatch(batch: import('apache-arrow').RecordBatch): Buffer {
    if (this.ended) throw new Error('results stream already ended');
    this.writer.write(batch);
    return this.sink.take();
  }

  /** The end-of-stream marker; the encoder takes no more batches afterwards. */
  end(): Buffer {
    this.ended = true;
    this.writer.finish();
    return this.sink.take();
  }
}

/**
 * Record batch messages encoded recently, by the columns (name, type, nullability) and the rows: the
 * same plan asked again pools the same rows, and encoding them was ~0.1 ms of the hub's work between a
 * site's answer and the reader's (issue 11). A batch message does not depend on the schema's metadata
 * nor on what the stream held before it (no dictionaries in result schemas), so a kept message is what
 * encoding would write. Small batches only; the Buffers are shared and never written to.
 */
const KEPT_BATCHES = 128;
const KEPT_MAX_ROWS = 64;
const batches = new Recent<Buffer>(KEPT_BATCHES);
const columnKeys = new WeakMap<Schema, string>();

function keptBatch(schema: Schema, rows: ResultRow[], encode: () => Buffer): Buffer {
  if (rows.length > KEPT_MAX_ROWS) return encode();
  let columns = columnKeys.get(schema);
  if (columns === undefined) {
    columns = JSON.stringify(schema.fields.map((f) => [f.name, String(f.type), f.nullable]));
    columnKeys.set(schema, columns);
  }
  const key = `${columns}\u0000${rowsKey(rows)}`;
  return batches.get(key) ?? batches.set(key, encode());
}
