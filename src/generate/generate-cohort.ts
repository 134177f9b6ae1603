/**
 * Materialise one Circe cohort into a CDM database's OHDSI results tables, as circe-be's SQL does:
 * validate, open the database and check it is a CDM with the tables the cohort reads, build every
 * statement, then run them all in one transaction. The validator's refusals come before the
 * database is opened; the few the statement builder makes come before anything is written.
 */
import { checkCohortExpression } from '../circe/check.js';
import { CohortCompileError } from '../circe/context.js';
import { cohortGenerationStatements } from '../circe/generation.js';
import type { CirceExpression } from '../circe/types.js';
import { FedomopError } from '../errors.js';
import type { CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';
import { assertCdmTables } from './cdm-tables.js';
import type { Transaction, WritableDatabase } from './database.js';
import { inclusionRuleStatements } from './inclusion-rules.js';
import { openWritableDatabase } from './open.js';
import { SCHEMA_NAME, createResultsTablesStatements, qualified } from './results-tables.js';

export interface GenerateCohortOptions {
  /** A DuckDB file path, a postgres:// URL, or an already open database (tests, embedding). */
  db: string | WritableDatabase;
  /** The Circe expression as parsed JSON; it is validated here. */
  expression: unknown;
  cohortId: number;
  /** Schema for the results tables; absent → the CDM (default) schema. */
  resultsSchema?: string;
  /** Schema holding the CDM tables, when `db` is a location; ignored for an open database. */
  cdmSchema?: string;
  /** One line per step, for a human watching (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
}

export interface GenerateCohortResult {
  cohortId: number;
  /** Distinct subjects in the cohort. */
  persons: number;
  /** Rows (eras) written to `cohort`. */
  rows: number;
  statements: number;
  seconds: number;
}

/** Largest value of the results tables' INTEGER cohort_definition_id. */
const MAX_COHORT_ID = 2 ** 31 - 1;

export function checkCohortId(id: number): void {
  if (!Number.isInteger(id) || id < 1 || id > MAX_COHORT_ID)
    throw new FedomopError('ERR_BAD_REQUEST', `cohort id must be a whole number from 1 to ${MAX_COHORT_ID}, got ${id}`);
}

function checkSchema(name: string | undefined, flag: string): void {
  if (name !== undefined && !SCHEMA_NAME.test(name))
    throw new FedomopError('ERR_BAD_REQUEST', `${flag} must be a plain SQL name (letters, digits, _), got "${name}"`);
}

export interface PreparedGeneration {
  expression: CirceExpression;
  /** Everything to run, in order: results tables, cohort_inclusion rows, then circe's statements. */
  statements: CompiledQuery[];
}

/** Validation and SQL building only: throws (and touches no database) when the cohort is refused. */
export function prepareGeneration(
  value: unknown,
  dialect: Dialect,
  opts: { cohortId: number; resultsSchema?: string },
): PreparedGeneration {
  checkCohortId(opts.cohortId);
  checkSchema(opts.resultsSchema, 'results schema');
  const expression = checkCohortExpression(value);
  let generation: CompiledQuery[];
  try {
    generation = cohortGenerationStatements(expression, dialect, { cohortId: opts.cohortId, resultsSchema: opts.resultsSchema });
  } catch (err) {
    // The builder refuses what circe-be refuses (e.g. an unknown occurrence type) with a message
    // naming the path: that is the caller's expression to fix, so it becomes a plan error.
    if (err instanceof CohortCompileError) throw new FedomopError('ERR_PLAN_INVALID', err.message, {}, { cause: err });
    throw err;
  }
  const statements = [
    ...createResultsTablesStatements(dialect, opts.resultsSchema),
    ...inclusionRuleStatements(dialect, expression, opts.cohortId, opts.resultsSchema),
    ...generation,
  ];
  return { expression, statements };
}

/** A short label for a progress line: the statement's first words. */
function label(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 72 ? flat.slice(0, 71) + '…' : flat;
}

async function countCohort(tx: Transaction, dialect: Dialect, cohortId: number, schema?: string) {
  const [row] = await tx.query({
    sql:
      `SELECT CAST(COUNT(*) AS BIGINT) AS n_rows, CAST(COUNT(DISTINCT subject_id) AS BIGINT) AS n_persons ` +
      `FROM ${qualified(dialect, 'cohort', schema)} WHERE cohort_definition_id = ${dialect.placeholder(1, 'integer')}`,
    parameters: [cohortId],
    parameterTypes: ['integer'],
  });
  return { rows: Number(row.n_rows), persons: Number(row.n_persons) };
}

export async function generateCohort(opts: GenerateCohortOptions): Promise<GenerateCohortResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  checkSchema(opts.cdmSchema, 'CDM schema');
  checkCohortId(opts.cohortId);
  checkSchema(opts.resultsSchema, 'results schema');
  const expression = checkCohortExpression(opts.expression);
  const db = typeof opts.db === 'string' ? await openWritableDatabase(opts.db, { cdmSchema: opts.cdmSchema }) : opts.db;
  try {
    await assertCdmTables(db, expression);
    const { statements } = prepareGeneration(expression, db.dialect, opts);
    progress(`running ${statements.length} statements in one transaction on ${db.description}`);
    const counts = await db.transaction(async (tx) => {
      for (const [i, statement] of statements.entries()) {
        progress(`[${i + 1}/${statements.length}] ${label(statement.sql)}`);
        try {
          await tx.query(statement);
        } catch (err) {
          const msg = `statement ${i + 1} of ${statements.length} failed (${label(statement.sql)}): ${(err as Error).message}`;
          throw new FedomopError('ERR_QUERY_FAILED', msg, {}, { cause: err });
        }
      }
      return countCohort(tx, db.dialect, opts.cohortId, opts.resultsSchema);
    });
    return {
      cohortId: opts.cohortId,
      ...counts,
      statements: statements.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (typeof opts.db === 'string') await db.close();
  }
}
