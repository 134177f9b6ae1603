/**
 * `fedomop cohort generate`: the statements that materialise a cohort into the OHDSI results
 * tables (cohort, cohort_inclusion_result, cohort_inclusion_stats, cohort_summary_stats,
 * cohort_censor_stats), as circe-be's generated SQL does. PLACEHOLDER: implemented by the compiler.
 */
import type { CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';
import type { CirceExpression } from './types.js';

export interface GenerationOptions {
  cohortId: number;
  /** Schema of the results tables; absent → unqualified names (the connection's default schema). */
  resultsSchema?: string;
}

/**
 * Statements to run in order, in one transaction, on a writable connection whose default schema
 * holds the CDM tables. They create and drop their own temporary tables.
 */
export function cohortGenerationStatements(
  expression: CirceExpression,
  dialect: Dialect,
  options: GenerationOptions,
): CompiledQuery[] {
  void expression;
  void dialect;
  void options;
  throw new Error('cohort generation is not implemented yet');
}
