/**
 * Reads a site's `/v1/execute` answer: an Arrow IPC stream whose schema must be exactly the one the
 * analysis calls for and whose rows must all belong to that site. Anything else is the site's fault
 * (ERR_SITE_BAD_RESPONSE), and is caught here rather than surfacing later as a wrong pooled number.
 */
import { RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { rowsFromBatch } from '../arrow/encode.js';
import { META, resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { FedomopError } from '../errors.js';
import type { Analysis } from '../plan/types.js';
import { recordBatchMessages } from './ipc-messages.js';

/** What a site says about where its numbers come from (schema metadata), kept in the query status. */
export type { Provenance } from '../api/query-status.js';
import type { Provenance } from '../api/query-status.js';

const PROVENANCE_KEYS: Array<[keyof Provenance, string]> = [
  ['planHash', META.planHash],
  ['site', META.site],
  ['cdmVersion', META.cdmVersion],
  ['vocabularyVersion', META.vocabularyVersion],
  ['disclosure', META.disclosure],
];

export interface SiteAnswer {
  rows: ResultRow[];
  provenance: Provenance;
  /**
   * The site's record-batch message as it arrived, when the hub can forward it unchanged: exactly one
   * plain batch whose columns match the analysis's in name, type and nullability. The rows above were
   * decoded from these very bytes and checked, so readers get what was checked.
   */
  batch?: Buffer;
}

/** The columns (name and type) an analysis's result must have, as a comparable string. */
export function schemaSignature(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
}

export function expectedSignature(analysis: Analysis): string {
  return schemaSignature(resultSchema(analysis));
}

/** Which columns may hold nulls, as a comparable string ('?' nullable, '!' not). */
export function nullability(schema: Schema): string {
  return schema.fields.map((f) => (f.nullable ? '?' : '!')).join('');
}

export function expectedNullability(analysis: Analysis): string {
  return nullability(resultSchema(analysis));
}

function bad(site: string, what: string): FedomopError {
  return new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site} sent a bad answer: ${what}`, { site });
}

export function decodeSiteAnswer(
  body: Uint8Array,
  expected: string,
  site: string,
  contentType?: string,
  expectedNulls?: string,
): SiteAnswer {
  let schema: Schema;
  let batches: RecordBatch[];
  try {
    // The synchronous reader over the whole body: a third of tableFromIPC's cost for a small answer.
    const reader = RecordBatchReader.from(body).open();
    // Read before readAll(): the reader lets go of its schema once the stream is exhausted.
    schema = reader.schema;
    batches = reader.readAll();
  } catch (err) {
    const type = contentType ? ` (content-type ${contentType})` : '';
    throw new FedomopError(
      'ERR_SITE_BAD_RESPONSE',
      `site ${site} sent a bad answer: not an Arrow IPC stream${type}: ${(err as Error).message}`,
      { site },
      { cause: err },
    );
  }
  const got = schema ? schemaSignature(schema) : '';
  if (got !== expected) {
    throw bad(site, got === '' ? 'no Arrow schema in the answer' : `columns [${got}] do not match the analysis [${expected}]`);
  }
  let rows: ResultRow[];
  try {
    rows = batches.flatMap((b) => rowsFromBatch(b));
  } catch (err) {
    throw bad(site, `unreadable rows: ${(err as Error).message}`);
  }
  for (const row of rows) {
    if (row.site !== site) throw bad(site, `a row is labelled site "${row.site}"`);
    for (const m of Object.values(row.measures)) {
      if (!Number.isFinite(m.lower) || !Number.isFinite(m.upper) || m.lower > m.upper) {
        throw bad(site, 'a released value has an invalid interval');
      }
    }
  }
  const provenance: Provenance = {};
  for (const [key, metaKey] of PROVENANCE_KEYS) {
    const v = schema.metadata.get(metaKey);
    if (v !== undefined) provenance[key] = v;
  }
  const answer: SiteAnswer = { rows, provenance };
  if (batches.length === 1 && expectedNulls !== undefined && nullability(schema) === expectedNulls) {
    const messages = recordBatchMessages(body);
    if (messages?.length === 1) answer.batch = messages[0];
  }
  return answer;
}
