/**
 * `fedomop cohort generate`: the statements that materialise a cohort into the OHDSI results
 * tables (cohort, cohort_inclusion_result, cohort_inclusion_stats, cohort_summary_stats,
 * cohort_censor_stats), as circe-be's generated SQL does. Every stage becomes a temporary table
 * (each is read several times), rows of this cohort id are replaced, statistics are written when
 * the expression has inclusion rules, and the temporary tables are dropped again.
 */
import {
  bin,
  col,
  createTempTable,
  deleteFrom,
  dropTable,
  eq,
  fn,
  insertInto,
  join,
  lit,
  param,
  select,
  sel,
  subquery,
  table,
} from '../sql/build.js';
import { compile, type CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';
import type { QueryNode, StatementNode } from '../sql/nodes.js';
import { COLLAPSED, FINAL_COHORT } from './final-cohort.js';
import { bestEventsStage, maskCounts, ruleStats, summaryStats, type Mode } from './inclusion-stats.js';
import { cohortProgram } from './program.js';
import type { CirceExpression } from './types.js';

export interface GenerationOptions {
  cohortId: number;
  /** Schema of the results tables; absent → unqualified names (the connection's default schema). */
  resultsSchema?: string;
}

const RESULT_TABLES = [
  'cohort',
  'cohort_inclusion_result',
  'cohort_inclusion_stats',
  'cohort_summary_stats',
  'cohort_censor_stats',
];

/**
 * Statements to run in order, in one transaction, on a writable connection whose default schema
 * holds the CDM tables.
 */
export function cohortGenerationStatements(
  expression: CirceExpression,
  dialect: Dialect,
  options: GenerationOptions,
): CompiledQuery[] {
  if (!Number.isSafeInteger(options.cohortId)) throw new Error(`cohort id ${options.cohortId} is not an integer`);
  const { stages } = cohortProgram(expression, 'final_cohort');
  const ruleCount = (expression.InclusionRules ?? []).length;
  if (ruleCount > 0) stages.push(bestEventsStage(ruleCount));
  const results = (name: string) => table(name, undefined, options.resultsSchema);
  const id = () => param(options.cohortId, 'integer');
  const withId = (query: QueryNode, columns: string[]) =>
    select({
      select: [sel(id(), 'cohort_definition_id'), ...columns.map((c) => sel(col(`x.${c}`), c))],
      from: subquery(query, 'x'),
    });

  const statements: StatementNode[] = [
    // A fresh connection has no temporary tables, so nothing is dropped first: an unqualified DROP
    // could hit a steward's own table of the same name.
    ...stages.map((s) => createTempTable(s.name, s.query)),
    ...RESULT_TABLES.map((t) => deleteFrom(results(t), eq(col('cohort_definition_id'), id()))),
    insertInto(
      results('cohort'),
      ['cohort_definition_id', 'subject_id', 'cohort_start_date', 'cohort_end_date'],
      select({
        select: [sel(id()), sel(col('f.person_id')), sel(col('f.start_date')), sel(col('f.end_date'))],
        from: table(FINAL_COHORT, 'f'),
      }),
    ),
  ];

  if (ruleCount > 0) {
    for (const mode of [0, 1] as Mode[]) {
      const modeColumn = (q: QueryNode, columns: string[]) =>
        select({
          select: [
            sel(id(), 'cohort_definition_id'),
            ...columns.map((c) => sel(col(`x.${c}`), c)),
            sel(param(mode, 'integer'), 'mode_id'),
          ],
          from: subquery(q, 'x'),
        });
      statements.push(
        insertInto(
          results('cohort_inclusion_result'),
          ['cohort_definition_id', 'inclusion_rule_mask', 'person_count', 'mode_id'],
          modeColumn(maskCounts(mode), ['inclusion_rule_mask', 'person_count']),
        ),
        insertInto(
          results('cohort_summary_stats'),
          ['cohort_definition_id', 'base_count', 'final_count', 'mode_id'],
          modeColumn(summaryStats(mode, ruleCount), ['base_count', 'final_count']),
        ),
      );
      for (let k = 0; k < ruleCount; k++) {
        statements.push(
          insertInto(
            results('cohort_inclusion_stats'),
            ['cohort_definition_id', 'rule_sequence', 'person_count', 'gain_count', 'person_total', 'mode_id'],
            select({
              select: [
                sel(id(), 'cohort_definition_id'),
                sel(param(k, 'integer'), 'rule_sequence'),
                sel(col('x.person_count')),
                sel(col('x.gain_count')),
                sel(col('x.person_total')),
                sel(param(mode, 'integer'), 'mode_id'),
              ],
              from: subquery(ruleStats(mode, k, ruleCount), 'x'),
            }),
          ),
        );
      }
    }
  }

  // Persons lost to the CensorWindow (0 without one).
  const persons = (name: string) =>
    select({ select: [sel(fn('count', [col('t.person_id')], { distinct: true }), 'n')], from: table(name, 't') });
  statements.push(
    insertInto(
      results('cohort_censor_stats'),
      ['cohort_definition_id', 'lost_count'],
      withId(
        select({
          select: [sel(bin('-', col('b.n'), col('a.n')), 'lost_count')],
          from: subquery(persons(COLLAPSED), 'b'),
          joins: [join(subquery(persons(FINAL_COHORT), 'a'), eq(lit(1), lit(1)))],
        }),
        ['lost_count'],
      ),
    ),
    ...stages.map((s) => dropTable(table(s.name))),
  );
  return statements.map((s) => compile(s, dialect));
}
