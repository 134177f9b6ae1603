/**
 * A DuckDB file opened READ_ONLY: the engine itself refuses writes, whatever SQL reaches it.
 * Each query gets its own connection so concurrent queries run in parallel and one can be
 * interrupted without touching the others.
 */
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBType,
  DOUBLE,
  INTEGER,
  BIGINT,
  VARCHAR,
  BOOLEAN,
} from '@duckdb/node-api';
import { access } from 'node:fs/promises';
import { FedomopError } from '../errors.js';
import type { CompiledQuery, SqlType } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlRow } from './database.js';

const DUCKDB_TYPES: Record<SqlType, DuckDBType> = {
  integer: INTEGER,
  bigint: BIGINT,
  double: DOUBLE,
  // Dates travel as ISO text and are CAST in the SQL, which keeps binding identical across drivers.
  date: VARCHAR,
  text: VARCHAR,
  boolean: BOOLEAN,
};

export class DuckDbDatabase implements SiteDatabase {
  readonly dialect = 'duckdb' as const;
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(path: string, opts: { threads?: number } = {}): Promise<DuckDbDatabase> {
    try {
      await access(path);
    } catch {
      throw new FedomopError('ERR_CONFIG_INVALID', `database file not found: ${path}`);
    }
    const options: Record<string, string> = { access_mode: 'READ_ONLY' };
    if (opts.threads) options.threads = String(opts.threads);
    try {
      return new DuckDbDatabase(await DuckDBInstance.create(path, options));
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
    const conn: DuckDBConnection = await this.instance.connect();
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const types = compiled.parameterTypes.map((t) => DUCKDB_TYPES[t]);
      const reader = await conn.runAndReadAll(compiled.sql, compiled.parameters as never, types);
      return reader.getRowObjectsJS() as SqlRow[];
    } catch (err) {
      throw queryError(err, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      conn.closeSync();
    }
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}
