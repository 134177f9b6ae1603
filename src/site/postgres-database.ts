/**
 * A PostgreSQL CDM. Every plan runs inside a READ ONLY transaction with the CDM schema first on the
 * search_path; an abort cancels the statement on the server (pg_cancel_backend) rather than just
 * dropping the client's interest in it.
 */
import pg from 'pg';
import { FedomopError } from '../errors.js';
import type { CompiledQuery } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlRow } from './database.js';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class PostgresDatabase implements SiteDatabase {
  readonly dialect = 'postgres' as const;
  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string | undefined,
  ) {}

  static async open(url: string, schema?: string): Promise<PostgresDatabase> {
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new FedomopError('ERR_CONFIG_INVALID', `bad schema name "${schema}"`);
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    pool.on('error', () => {}); // idle client errors surface on the next query instead of crashing the site
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end();
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot connect to PostgreSQL: ${(err as Error).message}`, {}, { cause: err });
    }
    return new PostgresDatabase(pool, schema);
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
      await client.query('BEGIN TRANSACTION READ ONLY');
      // The schema name was checked against SCHEMA_NAME when the site started.
      if (this.schema) await client.query(`SET LOCAL search_path TO "${this.schema}", public`);
      const result = await client.query(compiled.sql, compiled.parameters);
      await client.query('COMMIT');
      return result.rows as SqlRow[];
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
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
