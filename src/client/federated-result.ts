/**
 * The finished answer to one federated query: the Arrow table as the hub sent it (every site's batch,
 * then the pooled batch) plus plain-JS views of it, and the sites that did not answer with why.
 */
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { POOLED_SITE, type ResultRow } from '../arrow/result-schema.js';
import type { QueryStatus, SiteBatch, SiteState } from './types.js';

export interface SiteFailure {
  site: string;
  code: string;
  message: string;
}

/** One table row with Arrow types made plain: Int64 as number, nulls as null. */
export type PlainRow = Record<string, string | number | boolean | null>;

export interface FederatedResult {
  queryId: string;
  planHash: string;
  /** The final status, read after the stream ended. */
  status: QueryStatus;
  table: Table;
  perSite: Record<string, ResultRow[]>;
  pooled: ResultRow[];
  failures: SiteFailure[];
  /** The hub's warnings about the plan (valid, but probably not what was meant). */
  warnings: Array<{ path: string; message: string }>;
  toRows(): PlainRow[];
}

/** Codes for sites the hub marks unsuccessful without relaying an error of their own. */
const STATE_CODES: Partial<Record<SiteState, string>> = {
  failed: 'ERR_SITE_ERROR',
  timeout: 'ERR_SITE_TIMEOUT',
  cancelled: 'ERR_QUERY_CANCELLED',
};

export function buildFederatedResult(
  submitted: { id: string; planHash: string; warnings?: Array<{ path: string; message: string }> },
  schema: Schema,
  received: SiteBatch[],
  status: QueryStatus,
): FederatedResult {
  // Sites in arrival order, pooled last, whatever order the stream used.
  const ordered = [...received.filter((b) => b.site !== POOLED_SITE), ...received.filter((b) => b.site === POOLED_SITE)];
  const batches: RecordBatch[] = ordered.map((b) => b.batch);
  const table = new Table(schema, batches);
  const perSite: Record<string, ResultRow[]> = {};
  const pooled: ResultRow[] = [];
  for (const b of ordered) {
    if (b.site === POOLED_SITE) pooled.push(...b.rows);
    else (perSite[b.site] ??= []).push(...b.rows);
  }
  return {
    queryId: submitted.id,
    planHash: submitted.planHash || status.planHash,
    status,
    table,
    perSite,
    pooled,
    failures: failuresOf(status),
    warnings: submitted.warnings ?? [],
    toRows: () => plainRows(table),
  };
}

export function failuresOf(status: QueryStatus): SiteFailure[] {
  const failures: SiteFailure[] = [];
  for (const [site, s] of Object.entries(status.sites)) {
    const fallback = STATE_CODES[s.state];
    if (!fallback) continue;
    failures.push({ site, code: s.error?.code ?? fallback, message: s.error?.message ?? `site ${s.state}` });
  }
  return failures;
}

export function plainRows(table: Table): PlainRow[] {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n));
  const rows: PlainRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: PlainRow = {};
    names.forEach((name, c) => {
      row[name] = plainValue(columns[c]?.get(i));
    });
    rows.push(row);
  }
  return rows;
}

function plainValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  // Counts fit in 2^53; danfojs, JSON and most chart libraries cannot take BigInt.
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}
