/**
 * The few places where databases spell SQL differently. The compiler asks the dialect; everything
 * else is shared. A new database is a new object of this shape, not a new compiler.
 */
import type { SqlType } from './nodes.js';

export type DialectName = 'duckdb' | 'postgres';

export interface Dialect {
  readonly name: DialectName;
  /** Placeholder for the n-th bound parameter (1-based). */
  placeholder(index: number, type: SqlType): string;
  quoteIdentifier(name: string): string;
  typeName(type: SqlType): string;
  /** `date + days` where both are already-compiled SQL. */
  dateAdd(date: string, days: string): string;
  yearOf(date: string): string;
  /** Whole days from `from` to `to`. */
  dateDiff(from: string, to: string): string;
}

const TYPE_NAMES: Record<SqlType, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE PRECISION',
  text: 'VARCHAR',
  date: 'DATE',
  boolean: 'BOOLEAN',
};

// Both engines add integer days to a DATE and extract the year the same way.
const dateAdd = (date: string, days: string) => `((${date}) + CAST(${days} AS INTEGER))`;
const yearOf = (date: string) => `CAST(EXTRACT(YEAR FROM ${date}) AS INTEGER)`;
// DATE − DATE is a whole number of days in both engines.
const dateDiff = (from: string, to: string) => `CAST((${to}) - (${from}) AS INTEGER)`;

function quoteIdentifier(name: string): string {
  // Identifiers come from code constants, but quoting keeps even a mistake from becoming SQL.
  return '"' + name.replace(/"/g, '""') + '"';
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  placeholder: (i, type) => (type === 'date' ? `CAST($${i} AS DATE)` : `$${i}`),
  quoteIdentifier,
  typeName: (t) => (t === 'double' ? 'DOUBLE' : TYPE_NAMES[t]),
  dateAdd,
  yearOf,
  dateDiff,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  // PostgreSQL cannot always infer a parameter's type from context (e.g. in a CASE or a select
  // list), so every placeholder carries an explicit cast.
  placeholder: (i, type) => `$${i}::${PG_CASTS[type]}`,
  quoteIdentifier,
  typeName: (t) => TYPE_NAMES[t],
  dateAdd,
  yearOf,
  dateDiff,
};

const PG_CASTS: Record<SqlType, string> = {
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  text: 'text',
  date: 'date',
  boolean: 'boolean',
};

export function dialectByName(name: DialectName): Dialect {
  return name === 'duckdb' ? duckdbDialect : postgresDialect;
}
