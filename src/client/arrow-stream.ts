/**
 * Reads the hub's results stream (an Arrow IPC stream: schema, one batch per site as each finishes,
 * then the pooled batch) batch by batch, so a caller sees a site's rows as soon as the hub writes them
 * instead of after the slowest site.
 */
import { RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { META } from '../arrow/result-schema.js';
import { rowsFromBatch } from '../arrow/encode.js';
import { FedomopError } from '../errors.js';
import { arrowByteSource } from './byte-chunks.js';
import { isAbort } from './http.js';
import type { SiteBatch } from './types.js';

export interface OpenResultStream {
  /** Known before any batch: the hub announces it as soon as the query starts. */
  schema: Schema;
  batches: AsyncGenerator<SiteBatch>;
}

export async function openResultStream(body: ReadableStream<Uint8Array>): Promise<OpenResultStream> {
  const chunks = arrowByteSource(body);
  let reader;
  try {
    reader = await RecordBatchReader.from(chunks);
    await reader.open();
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw new FedomopError('ERR_SITE_BAD_RESPONSE', 'hub sent an unreadable Arrow stream', {}, { cause });
  }
  // An empty body opens a reader without a schema rather than failing.
  const schema = reader.schema as Schema | undefined;
  if (!schema) {
    await chunks.return!();
    throw new FedomopError('ERR_SITE_BAD_RESPONSE', 'hub sent an empty results stream (no Arrow schema)');
  }
  const source = reader;
  async function* batches(): AsyncGenerator<SiteBatch> {
    try {
      for await (const batch of source) yield toSiteBatch(batch);
    } catch (cause) {
      if (isAbort(cause) || cause instanceof FedomopError) throw cause;
      throw new FedomopError(
        'ERR_SITE_UNREACHABLE',
        'the connection to the hub broke off while results were streaming',
        {},
        {
          cause,
        },
      );
    } finally {
      // A caller that stops early must close the response, or the hub keeps a connection per query.
      if (!source.closed) await Promise.resolve(source.cancel()).catch(() => undefined);
      await chunks.return!().catch(() => undefined);
    }
  }
  return { schema, batches: batches() };
}

function toSiteBatch(batch: RecordBatch): SiteBatch {
  const rows = rowsFromBatch(batch);
  return { site: siteOf(batch, rows), rows, batch };
}

/**
 * Batch metadata names the site when the hub sets it; otherwise the rows do. A site that released no
 * rows (an empty crosstab) sends an empty batch that only metadata could name.
 */
function siteOf(batch: RecordBatch, rows: SiteBatch['rows']): string {
  return batch.metadata?.get(META.site) ?? rows[0]?.site ?? 'unknown';
}
