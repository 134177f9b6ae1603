/**
 * A PostgreSQL CDM. Every connection starts read-only (default_transaction_read_only) with the CDM
 * schema first on the search_path, set once in the startup packet, so a plan is one round trip
 * instead of four (BEGIN, SET, query, COMMIT) and still cannot write. An abort cancels the
 * statement on the server (pg_cancel_backend) rather than just dropping the client's interest in it.
 */
import pg from 'pg';
import { FedomopError } from '../errors.js';
import type { CompiledQuery } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlRow } from './database.js';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class PostgresDatabase implements SiteDatabase {
  readonly dialect = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, schema?: string): Promise<PostgresDatabase> {
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new FedomopError('ERR_CONFIG_INVALID', `bad schema name "${schema}"`);
    // The schema name was checked against SCHEMA_NAME above, so it is safe in the options string.
    const searchPath = schema ? ` -c search_path=${schema},public` : '';
    const pool = new pg.Pool({ connectionString: url, max: 8, options: `-c default_transaction_read_only=on${searchPath}` });
    pool.on('error', () => {}); // idle client errors surface on the next query instead of crashing the site
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end();
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot connect to PostgreSQL: ${(err as Error).message}`, {}, { cause: err });
    }
    return new PostgresDatabase(pool);
  }

  async query(compiled: CompiledQuery, signal?: AbortSignal): Promise<SqlRow[]> {
    if (signal?.aborted) throw queryError(new Error('aborted before it started'), signal);
    const client = await this.pool.connect();
    const pid = (client as unknown as { processID: number }).processID;
    const onAbort = () => {
      void this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await client.query(compiled.sql, compiled.parameters);
      return result.rows as SqlRow[];
    } catch (err) {
      throw queryError(err, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
