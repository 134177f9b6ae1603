/**
 * A DuckDB file (or `:memory:`) opened read-write, on one connection, so the temporary tables
 * the generation statements create are visible to the statements that follow.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { access } from 'node:fs/promises';
import { FedomopError } from '../errors.js';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import type { CompiledQuery } from '../sql/compiler.js';
import { duckdbDialect } from '../sql/dialect.js';
import type { SqlRow, Transaction, WritableDatabase } from './database.js';
import { SCHEMA_NAME } from './results-tables.js';

export class DuckDbWriter implements WritableDatabase {
  readonly dialect = duckdbDialect;
  private busy = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly description: string,
  ) {}

  /** Opens an existing file (a missing one is an error, not a new empty database) or `:memory:`. */
  static async open(path: string, opts: { schema?: string } = {}): Promise<DuckDbWriter> {
    if (path !== ':memory:') {
      try {
        await access(path);
      } catch {
        throw new FedomopError('ERR_CONFIG_INVALID', `database file not found: ${path}`);
      }
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, { access_mode: 'READ_WRITE' });
    } catch (err) {
      // Typically the file is locked by another process (a running site holds it open).
      const msg = `cannot open DuckDB file ${path} for writing: ${(err as Error).message}`;
      throw new FedomopError('ERR_CONFIG_INVALID', msg, {}, { cause: err });
    }
    const conn = await instance.connect();
    const db = new DuckDbWriter(instance, conn, path);
    if (opts.schema !== undefined) {
      if (!SCHEMA_NAME.test(opts.schema)) throw new FedomopError('ERR_CONFIG_INVALID', `bad schema name "${opts.schema}"`);
      const found = await db.run(`SELECT 1 FROM information_schema.schemata WHERE schema_name = '${opts.schema}'`);
      if (found.length === 0) {
        await db.close();
        throw new FedomopError('ERR_CONFIG_INVALID', `schema "${opts.schema}" not found in ${path}`);
      }
      await db.run(`SET schema = '${opts.schema}'`);
    }
    return db;
  }

  private async run(sql: string, compiled?: CompiledQuery): Promise<SqlRow[]> {
    const params = compiled?.parameters ?? [];
    const reader =
      params.length === 0
        ? await this.conn.runAndReadAll(sql)
        : await this.conn.runAndReadAll(sql, params as never, duckdbParameterTypes(compiled!.parameterTypes));
    return reader.getRowObjectsJS() as SqlRow[];
  }

  async tableNames(): Promise<Set<string>> {
    const rows = await this.run(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`);
    return new Set(rows.map((r) => String(r.table_name).toLowerCase()));
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    // One connection means one transaction at a time; a second would silently join the first.
    if (this.busy) throw new Error('a transaction is already running on this DuckDB connection');
    this.busy = true;
    try {
      await this.run('BEGIN TRANSACTION');
      try {
        const result = await work({ query: (q) => this.run(q.sql, q) });
        await this.run('COMMIT');
        return result;
      } catch (err) {
        await this.run('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
