/**
 * A PostgreSQL CDM. Every connection starts read-only (default_transaction_read_only) with the CDM
 * schema first on the search_path, set once in the startup packet, so a plan is one round trip
 * instead of four (BEGIN, SET, query, COMMIT) and still cannot write. An abort cancels the
 * statement on the server (pg_cancel_backend) rather than just dropping the client's interest in it.
 *
 * The server also stops a statement by itself, for when the site process cannot ask it to (killed,
 * crashed, hung): statement_timeout a little past the site's own query limit, and on PostgreSQL 14+
 * client_connection_check_interval, so a backend whose site connection is gone stops within about a
 * second instead of running a heavy cohort query to its end against the hospital's database.
 */
import pg from 'pg';
import { FedomopError } from '../errors.js';
import type { CompiledQuery } from '../sql/index.js';
import { queryError, type SiteDatabase, type SqlRow } from './database.js';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The site's own timer fires first and says so plainly; the server's limit is the backstop behind it. */
const SERVER_TIMEOUT_MARGIN_MS = 5_000;
/** How often a busy backend checks that its site is still connected (PostgreSQL 14+). */
const CONNECTION_CHECK_MS = 1_000;
const CONNECTION_CHECK_SINCE = 140_000;

export interface PostgresOptions {
  schema?: string;
  /** The site's query limit; the server stops any statement running this long plus a margin. */
  queryTimeoutMs?: number;
}

export class PostgresDatabase implements SiteDatabase {
  readonly dialect = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, opts: PostgresOptions = {}): Promise<PostgresDatabase> {
    const { schema, queryTimeoutMs } = opts;
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new FedomopError('ERR_CONFIG_INVALID', `bad schema name "${schema}"`);
    if (queryTimeoutMs !== undefined && !(Number.isSafeInteger(queryTimeoutMs) && queryTimeoutMs > 0))
      throw new FedomopError('ERR_CONFIG_INVALID', `bad query timeout ${queryTimeoutMs}`);
    const version = await serverVersion(url);
    // Every value below is checked (schema name) or computed here (integers): safe in the options string.
    const settings = ['default_transaction_read_only=on'];
    if (schema) settings.push(`search_path=${schema},public`);
    if (queryTimeoutMs !== undefined) settings.push(`statement_timeout=${queryTimeoutMs + SERVER_TIMEOUT_MARGIN_MS}`);
    if (version >= CONNECTION_CHECK_SINCE) settings.push(`client_connection_check_interval=${CONNECTION_CHECK_MS}`);
    const pool = new pg.Pool({ connectionString: url, max: 8, options: settings.map((s) => `-c ${s}`).join(' ') });
    pool.on('error', () => {}); // idle client errors surface on the next query instead of crashing the site
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end();
      throw cannotConnect(err);
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

/** server_version_num (e.g. 150004), read once before the pool's settings are chosen. */
async function serverVersion(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Number(rows[0]?.v ?? 0);
  } catch (err) {
    throw cannotConnect(err);
  } finally {
    await client.end().catch(() => {});
  }
}

function cannotConnect(err: unknown): FedomopError {
  return new FedomopError('ERR_CONFIG_INVALID', `cannot connect to PostgreSQL: ${(err as Error).message}`, {}, { cause: err });
}
