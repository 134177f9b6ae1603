/**
 * A DuckDB file opened READ_ONLY: the engine itself refuses writes, whatever SQL reaches it.
 * Each query has a connection to itself (from a small pool, see duckdb-sessions.ts) so concurrent
 * queries run in parallel and one can be interrupted without touching the others.
 */
import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { access } from 'node:fs/promises';
import { FedomopError } from '../errors.js';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import type { CompiledQuery } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlRow } from './database.js';
import { DuckDbSessions } from './duckdb-sessions.js';

/** Connections kept open between queries unless the site says otherwise (its concurrency limit). */
const DEFAULT_IDLE_CONNECTIONS = 4;

export class DuckDbDatabase implements SiteDatabase {
  readonly dialect = 'duckdb' as const;
  private readonly sessions: DuckDbSessions;

  private constructor(
    private readonly instance: DuckDBInstance,
    idleConnections: number,
  ) {
    this.sessions = new DuckDbSessions(instance, idleConnections);
  }

  static async open(path: string, opts: { threads?: number; idleConnections?: number } = {}): Promise<DuckDbDatabase> {
    try {
      await access(path);
    } catch {
      throw new FedomopError('ERR_CONFIG_INVALID', `database file not found: ${path}`);
    }
    // Defence in depth: SQL comes only from the operation tree, but should anything ever slip
    // through, it can read no file but the CDM (no read_csv, no ATTACH) and change no setting.
    const options: Record<string, string> = { access_mode: 'READ_ONLY', enable_external_access: 'false' };
    if (opts.threads) options.threads = String(opts.threads);
    try {
      const instance = await DuckDBInstance.create(path, options);
      if (!opts.threads) await oneThreadIfSmall(instance);
      await lockConfiguration(instance);
      return new DuckDbDatabase(instance, opts.idleConnections ?? DEFAULT_IDLE_CONNECTIONS);
    } catch (err) {
      throw new FedomopError(
        'ERR_CONFIG_INVALID',
        `cannot open DuckDB file ${path}: ${(err as Error).message}`,
        {},
        { cause: err },
      );
    }
  }

  async query(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlRow[]> {
    if (signal?.aborted) throw queryError(new Error('aborted before it started'), signal);
    const session = await this.sessions.acquire();
    const onAbort = () => session.connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    let clean = false;
    try {
      const statement = await session.prepared(compiled.sql);
      // An interrupt while nothing runs on the connection may be lost: look again before starting.
      if (signal?.aborted) throw new Error('aborted before it started');
      statement.bind(compiled.parameters as never, duckdbParameterTypes(compiled.parameterTypes));
      const rows = rowObjects(await statement.run());
      clean = true;
      return rows;
    } catch (err) {
      throw queryError(err, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // An abort that arrived at all may have interrupted the connection: do not hand it to the next query.
      this.sessions.release(session, clean && !signal?.aborted);
    }
  }

  async close(): Promise<void> {
    this.sessions.close();
    this.instance.closeSync();
  }
}

/** DuckDB splits a scan into row groups of this many rows; a smaller table is scanned by one thread anyway. */
const ROW_GROUP_ROWS = 122_880;

/**
 * A CDM whose largest table fits in one row group gains nothing from DuckDB's worker threads, and
 * waking them costs every query (~0.7 ms of a 4 ms query on a 200-person file): such a site runs its
 * queries on one thread. An operator's explicit `threads` setting always wins.
 */
async function oneThreadIfSmall(instance: DuckDBInstance): Promise<void> {
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll('SELECT max(estimated_size) AS largest FROM duckdb_tables()');
    const largest = Number(reader.getRowObjectsJS()[0]?.largest ?? 0);
    if (largest <= ROW_GROUP_ROWS) await conn.run('SET threads = 1');
  } finally {
    conn.closeSync();
  }
}

async function lockConfiguration(instance: DuckDBInstance): Promise<void> {
  const conn = await instance.connect();
  try {
    await conn.run('SET lock_configuration = true');
  } finally {
    conn.closeSync();
  }
}

/**
 * What `runAndReadAll().getRowObjectsJS()` returns, read synchronously: the result is materialized
 * already, and the reader's async fetchChunk costs a thread-pool round trip per chunk (two for a
 * one-row answer) for nothing.
 */
function rowObjects(result: DuckDBMaterializedResult): SqlRow[] {
  const names = result.deduplicatedColumnNames();
  const rows: SqlRow[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    for (const values of result.getChunk(c).convertRows(JSDuckDBValueConverter)) {
      const row: SqlRow = {};
      names.forEach((name, i) => (row[name] = values[i]));
      rows.push(row);
    }
  }
  return rows;
}
