/** `--db` is either a PostgreSQL URL or a DuckDB file path; this decides which and opens it for writing. */
import { duckdbDialect, postgresDialect, type Dialect } from '../sql/dialect.js';
import type { WritableDatabase } from './database.js';
import { DuckDbWriter } from './duckdb-writer.js';
import { PostgresWriter } from './postgres-writer.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function dialectOfLocation(db: string): Dialect {
  return POSTGRES_URL.test(db) ? postgresDialect : duckdbDialect;
}

export async function openWritableDatabase(db: string, opts: { cdmSchema?: string } = {}): Promise<WritableDatabase> {
  return POSTGRES_URL.test(db)
    ? PostgresWriter.open(db, { schema: opts.cdmSchema })
    : DuckDbWriter.open(db, { schema: opts.cdmSchema });
}
