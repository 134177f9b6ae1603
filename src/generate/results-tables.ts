/**
 * The OHDSI results tables a cohort generation writes, with the columns of OHDSI's results schema
 * (WebAPI / circe-be `resultsSchema.sql`). They are created when missing and never altered: a site
 * that already has them (ATLAS, `fedomop synth`) keeps its own definitions.
 */
import type { CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';

export const RESULTS_TABLES = [
  'cohort',
  'cohort_inclusion',
  'cohort_inclusion_result',
  'cohort_inclusion_stats',
  'cohort_summary_stats',
  'cohort_censor_stats',
] as const;

export type ResultsTable = (typeof RESULTS_TABLES)[number];

/** Column name, SQL type (the same spelling works in DuckDB and PostgreSQL), NOT NULL. */
type Column = readonly [name: string, type: string, notNull: boolean];

const COLUMNS: Record<ResultsTable, readonly Column[]> = {
  cohort: [
    ['cohort_definition_id', 'INTEGER', true],
    ['subject_id', 'BIGINT', true],
    ['cohort_start_date', 'DATE', true],
    ['cohort_end_date', 'DATE', true],
  ],
  cohort_inclusion: [
    ['cohort_definition_id', 'INTEGER', true],
    ['rule_sequence', 'INTEGER', true],
    ['name', 'VARCHAR(255)', false],
    ['description', 'VARCHAR(1000)', false],
  ],
  cohort_inclusion_result: [
    ['cohort_definition_id', 'INTEGER', true],
    ['inclusion_rule_mask', 'BIGINT', true],
    ['person_count', 'BIGINT', true],
    ['mode_id', 'INTEGER', true],
  ],
  cohort_inclusion_stats: [
    ['cohort_definition_id', 'INTEGER', true],
    ['rule_sequence', 'INTEGER', true],
    ['person_count', 'BIGINT', true],
    ['gain_count', 'BIGINT', true],
    ['person_total', 'BIGINT', true],
    ['mode_id', 'INTEGER', true],
  ],
  cohort_summary_stats: [
    ['cohort_definition_id', 'INTEGER', true],
    ['base_count', 'BIGINT', true],
    ['final_count', 'BIGINT', true],
    ['mode_id', 'INTEGER', true],
  ],
  cohort_censor_stats: [
    ['cohort_definition_id', 'INTEGER', true],
    ['lost_count', 'BIGINT', true],
  ],
};

/** Schema names reach SQL as identifiers, so they are held to the plain form both engines accept. */
export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function resultsColumns(table: ResultsTable): string[] {
  return COLUMNS[table].map(([name]) => name);
}

/** `"schema"."table"`, or just `"table"` (the connection's default schema) without a schema. */
export function qualified(dialect: Dialect, table: string, schema?: string): string {
  const name = dialect.quoteIdentifier(table);
  return schema ? `${dialect.quoteIdentifier(schema)}.${name}` : name;
}

const plain = (sql: string): CompiledQuery => ({ sql, parameters: [], parameterTypes: [] });

/** CREATE SCHEMA / CREATE TABLE IF NOT EXISTS for every results table. */
export function createResultsTablesStatements(dialect: Dialect, schema?: string): CompiledQuery[] {
  const out: CompiledQuery[] = [];
  if (schema) out.push(plain(`CREATE SCHEMA IF NOT EXISTS ${dialect.quoteIdentifier(schema)}`));
  for (const table of RESULTS_TABLES) {
    const cols = COLUMNS[table].map(([n, t, nn]) => `${dialect.quoteIdentifier(n)} ${t}${nn ? ' NOT NULL' : ''}`);
    out.push(plain(`CREATE TABLE IF NOT EXISTS ${qualified(dialect, table, schema)} (\n  ${cols.join(',\n  ')}\n)`));
  }
  return out;
}
