/**
 * The seam between cohort generation and a database it may write to. Unlike a site's read-only
 * adapters (src/site), this one runs a whole list of statements in one transaction, so a failure
 * anywhere leaves the results tables exactly as they were.
 */
import type { CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';

export type SqlRow = Record<string, unknown>;

export interface Transaction {
  query(compiled: CompiledQuery): Promise<SqlRow[]>;
}

export interface WritableDatabase {
  readonly dialect: Dialect;
  /** Where the database is, for messages (a file path, or a URL without its password). */
  readonly description: string;
  /** Lower-case names of the tables and views in the CDM (default) schema. */
  tableNames(): Promise<Set<string>>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const plainSql = (sql: string): CompiledQuery => ({ sql, parameters: [], parameterTypes: [] });
