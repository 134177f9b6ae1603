/**
 * How the operation tree's parameter types bind in @duckdb/node-api, shared by the read-only site
 * and the read-write `cohort generate` writer. Dates travel as ISO text: duckdbDialect wraps their
 * placeholders in CAST(... AS DATE), which keeps binding identical across drivers.
 */
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { SqlType } from '../sql/nodes.js';

const DUCKDB_TYPES: Record<SqlType, DuckDBType> = {
  integer: INTEGER,
  bigint: BIGINT,
  double: DOUBLE,
  date: VARCHAR,
  text: VARCHAR,
  boolean: BOOLEAN,
};

export function duckdbParameterTypes(types: readonly SqlType[]): DuckDBType[] {
  return types.map((t) => {
    const bound = DUCKDB_TYPES[t];
    if (!bound) throw new Error(`no DuckDB binding type for parameter type "${t}"`);
    return bound;
  });
}
