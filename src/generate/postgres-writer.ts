/**
 * A PostgreSQL database opened for writing on one client (temporary tables live per session), with
 * the CDM schema first on the search_path when one is named.
 */
import pg from 'pg';
import { FedomopError } from '../errors.js';
import { postgresDialect } from '../sql/dialect.js';
import type { SqlRow, Transaction, WritableDatabase } from './database.js';
import { SCHEMA_NAME } from './results-tables.js';

/** The URL as it may be printed: without a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export class PostgresWriter implements WritableDatabase {
  readonly dialect = postgresDialect;
  private busy = false;

  private constructor(
    private readonly client: pg.Client,
    readonly description: string,
  ) {}

  static async open(url: string, opts: { schema?: string; connectTimeoutMs?: number } = {}): Promise<PostgresWriter> {
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema))
      throw new FedomopError('ERR_CONFIG_INVALID', `bad schema name "${opts.schema}"`);
    const description = redactUrl(url);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 10000 });
    client.on('error', () => {}); // a dropped connection surfaces as the failing query's error
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      const reason = (err as Error).message || (err as { code?: string }).code || String(err);
      throw new FedomopError(
        'ERR_CONFIG_INVALID',
        `cannot connect to PostgreSQL at ${description}: ${reason}`,
        {},
        { cause: err },
      );
    }
    const db = new PostgresWriter(client, description);
    if (opts.schema !== undefined) {
      const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [opts.schema]);
      if (found.rowCount === 0) {
        await db.close();
        throw new FedomopError('ERR_CONFIG_INVALID', `schema "${opts.schema}" not found in ${description}`);
      }
      // The name matched SCHEMA_NAME above, so quoting it is enough.
      await client.query(`SET search_path TO "${opts.schema}", public`);
    }
    return db;
  }

  async tableNames(): Promise<Set<string>> {
    const r = await this.client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`);
    return new Set(r.rows.map((row: SqlRow) => String(row.table_name).toLowerCase()));
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('a transaction is already running on this PostgreSQL client');
    this.busy = true;
    try {
      await this.client.query('BEGIN');
      try {
        const result = await work({
          query: async (q) => (await this.client.query(q.sql, q.parameters as unknown[])).rows as SqlRow[],
        });
        await this.client.query('COMMIT');
        return result;
      } catch (err) {
        await this.client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
