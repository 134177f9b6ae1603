/**
 * The seam between the site service and its database. A site runs read-only, parameterised SQL and
 * gets plain rows back; which engine answers (DuckDB file, PostgreSQL server) is configuration.
 */
import { randomBytes } from 'node:crypto';
import { FedomopError } from '../errors.js';
import type { CompiledQuery, DialectName } from '../sql/index.js';

export type SqlRow = Record<string, unknown>;

/**
 * A result column by column (one array per column name, all of `length`): what the person-level
 * disclosure queries read, tens of thousands of rows on a large site, where building one object per
 * row cost more than the query itself.
 */
export interface SqlColumns {
  length: number;
  /** Arrays of values, or typed arrays for integer columns without NULLs (read as they are: same values). */
  columns: Record<string, ArrayLike<unknown>>;
}

export interface SiteDatabase {
  readonly dialect: DialectName;
  /** Runs one query; aborting the signal interrupts it and rejects with ERR_QUERY_CANCELLED. */
  query(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlRow[]>;
  /** The same, column by column (values as `query` gives them); engines without it use `query`. */
  queryColumns?(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlColumns>;
  /** A file-backed database opens the file its path names now, if it was replaced; true when it did. */
  refresh?(): Promise<boolean>;
  close(): Promise<void>;
}

/** Counts arrive as bigint (DuckDB) or string (PostgreSQL bigint); analyses need plain numbers. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  if (v === null || v === undefined) return 0;
  throw new TypeError(`not a number: ${String(v)}`);
}

/**
 * One failure mapping for every engine: an aborted query is cancelled, anything else failed. The
 * database's own text can quote values, table and column names or the SQL, so it is written to the
 * site's log under an incident id and only the id goes back to the caller.
 */
export function queryError(err: unknown, signal?: AbortSignal): FedomopError {
  if (signal?.aborted) return new FedomopError('ERR_QUERY_CANCELLED', 'the query was cancelled', {}, { cause: err });
  const incident = randomBytes(6).toString('hex');
  process.stderr.write(`fedomop site: query failed, incident ${incident}: ${(err as Error)?.message ?? String(err)}\n`);
  return new FedomopError(
    'ERR_QUERY_FAILED',
    `the site database could not run the query (incident ${incident}; the site's log has the details)`,
    { incident },
    { cause: err },
  );
}
