/**
 * A DuckDB file opened READ_ONLY: the engine itself refuses writes, whatever SQL reaches it.
 * Each query has a connection to itself (from a small pool, see duckdb-sessions.ts) so concurrent
 * queries run in parallel and one can be interrupted without touching the others.
 *
 * A data steward refreshes the CDM by writing a new file and renaming it over the old one (DuckDB's
 * lock keeps a writer off a file the site holds open). The site would go on reading the old file
 * for ever; instead, before each plan, `refresh()` looks at the path (one stat) and, when it names a
 * different file, opens that one for the queries that follow, while queries already running finish
 * on the old one, which is closed after them. A new file that cannot be opened leaves the old one
 * serving, and says so on stderr.
 */
import {
  DuckDBInstance,
  JSDuckDBValueConverter,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { FedomopError } from '../errors.js';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import type { CompiledQuery } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlColumns, type SqlRow } from './database.js';
import { DuckDbSessions, type DuckDbSession } from './duckdb-sessions.js';
import { planKey } from './duckdb-planned.js';
import { columnArrays } from './duckdb-columns.js';

/** Connections kept open between queries unless the site says otherwise (its concurrency limit). */
const DEFAULT_IDLE_CONNECTIONS = 4;

interface OpenOptions {
  threads?: number;
  idleConnections?: number;
}

/**
 * Which file a path names right now: a rename over it changes the inode. Asked on every query, so
 * synchronously: a stat of a local file takes microseconds, while the promise version's trip through
 * libuv's thread pool cost a tiny query a visible share of its time (issue 11).
 */
async function fileIdentity(path: string): Promise<string> {
  const s = statSync(path, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}

export class DuckDbDatabase implements SiteDatabase {
  readonly dialect = 'duckdb' as const;
  /** Counts the files this site has served; it changes when a replaced file was opened. */
  generation = 1;
  private sessions: DuckDbSessions;
  private refreshing?: Promise<boolean>;

  private constructor(
    private instance: DuckDBInstance,
    private fileKey: string,
    private readonly path: string,
    private readonly opts: OpenOptions,
  ) {
    this.sessions = new DuckDbSessions(instance, opts.idleConnections ?? DEFAULT_IDLE_CONNECTIONS);
  }

  static async open(path: string, opts: OpenOptions = {}): Promise<DuckDbDatabase> {
    let fileKey: string;
    try {
      fileKey = await fileIdentity(path);
    } catch {
      throw new FedomopError('ERR_CONFIG_INVALID', `database file not found: ${path}`);
    }
    try {
      return new DuckDbDatabase(await openInstance(path, opts), fileKey, path, opts);
    } catch (err) {
      throw new FedomopError(
        'ERR_CONFIG_INVALID',
        `cannot open DuckDB file ${path}: ${(err as Error).message}`,
        {},
        { cause: err },
      );
    }
  }

  /** Opens the file the path names now, if it is not the one being served; true when it did. */
  refresh(): Promise<boolean> {
    // One look at a time: queries arriving together share it.
    return (this.refreshing ??= this.reopenIfReplaced().finally(() => (this.refreshing = undefined)));
  }

  private async reopenIfReplaced(): Promise<boolean> {
    let key: string;
    try {
      key = await fileIdentity(this.path);
    } catch {
      return false; // mid-replace, or gone: keep serving what is open
    }
    if (key === this.fileKey) return false;
    let next: DuckDBInstance;
    try {
      next = await openInstance(this.path, this.opts);
    } catch (err) {
      process.stderr.write(
        `site: ${this.path} was replaced but cannot be opened, still serving the previous file: ${(err as Error).message}\n`,
      );
      this.fileKey = key; // do not try the same broken file on every query
      return false;
    }
    const [oldInstance, oldSessions] = [this.instance, this.sessions];
    this.instance = next;
    this.fileKey = key;
    this.sessions = new DuckDbSessions(next, this.opts.idleConnections ?? DEFAULT_IDLE_CONNECTIONS);
    this.generation++;
    oldSessions.close(() => oldInstance.closeSync());
    return true;
  }

  query(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlRow[]> {
    return this.run(compiled, signal, rowObjects);
  }

  queryColumns(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlColumns> {
    return this.run(compiled, signal, columnArrays);
  }

  private async run<T>(
    compiled: CompiledQuery,
    signal: AbortSignal | undefined,
    read: (r: DuckDBMaterializedResult) => T,
  ): Promise<T> {
    if (signal?.aborted) throw queryError(new Error('aborted before it started'), signal);
    // The pool this query draws from is the one it gives back to, even if the file is replaced meanwhile.
    const sessions = this.sessions;
    // The session that keeps this query's plan, if one is idle (duckdb-sessions.ts).
    const session = await sessions.acquire({ sql: compiled.sql, key: planKey(compiled) });
    const onAbort = () => session.connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    let clean = false;
    try {
      // A query asked before runs on a statement with its plan kept (duckdb-planned.ts).
      const planned = await plannedStatement(sessions, session, compiled, signal);
      const statement = planned ?? (await session.prepared(compiled.sql));
      // An interrupt while nothing runs on the connection may be lost: look again before starting.
      if (signal?.aborted) throw new Error('aborted before it started');
      if (!planned) statement.bind(compiled.parameters as never, duckdbParameterTypes(compiled.parameterTypes));
      const out = read(await statement.run());
      clean = true;
      return out;
    } catch (err) {
      throw queryError(err, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // An abort that arrived at all may have interrupted the connection: do not hand it to the next query.
      sessions.release(session, clean && !signal?.aborted);
    }
  }

  async close(): Promise<void> {
    this.sessions.close();
    this.instance.closeSync();
  }
}

/**
 * The session's kept statement for this query (SQL and values) when it was asked before; undefined
 * for a first asking, or when it cannot be kept (then it is asked the ordinary way, now and later).
 */
async function plannedStatement(
  sessions: DuckDbSessions,
  session: DuckDbSession,
  compiled: CompiledQuery,
  signal: AbortSignal | undefined,
): Promise<DuckDBPreparedStatement | undefined> {
  const key = planKey(compiled);
  if (key === null || !sessions.askedBefore(key)) return undefined;
  try {
    return await session.planned.statement(key, compiled);
  } catch (err) {
    if (signal?.aborted) throw err;
    sessions.notPlannable(key);
    process.stderr.write(`site: a query could not be kept planned, it runs re-planned: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** Opens a CDM file read-only with the site's settings (threads, no external access, locked configuration). */
async function openInstance(path: string, opts: OpenOptions): Promise<DuckDBInstance> {
  // Defence in depth: SQL comes only from the operation tree, but should anything ever slip
  // through, it can read no file but the CDM (no read_csv, no ATTACH) and change no setting.
  const options: Record<string, string> = { access_mode: 'READ_ONLY', enable_external_access: 'false' };
  if (opts.threads) options.threads = String(opts.threads);
  const instance = await DuckDBInstance.create(path, options);
  try {
    if (!opts.threads) await oneThreadIfSmall(instance);
    await lockConfiguration(instance);
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
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
