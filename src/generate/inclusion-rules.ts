/**
 * cohort_inclusion: the names of a cohort's inclusion rules, one row per rule numbered from 0 in
 * InclusionRules order, so bit i of cohort_inclusion_result.inclusion_rule_mask can be read by
 * name. circe's SQL does not write it (ATLAS does, from the definition); fedomop does it here.
 */
import type { CirceExpression } from '../circe/types.js';
import type { CompiledQuery } from '../sql/compiler.js';
import type { Dialect } from '../sql/dialect.js';
import { qualified } from './results-tables.js';

// The OHDSI column sizes; longer text would make PostgreSQL refuse the whole generation.
const NAME_MAX = 255;
const DESCRIPTION_MAX = 1000;

const clip = (text: unknown, max: number): string | null => (typeof text === 'string' ? text.slice(0, max) : null);

export function inclusionRuleStatements(
  dialect: Dialect,
  expression: CirceExpression,
  cohortId: number,
  resultsSchema?: string,
): CompiledQuery[] {
  const table = qualified(dialect, 'cohort_inclusion', resultsSchema);
  const p = (i: number, type: 'integer' | 'text') => dialect.placeholder(i, type);
  const out: CompiledQuery[] = [
    {
      sql: `DELETE FROM ${table} WHERE cohort_definition_id = ${p(1, 'integer')}`,
      parameters: [cohortId],
      parameterTypes: ['integer'],
    },
  ];
  (expression.InclusionRules ?? []).forEach((rule, i) => {
    out.push({
      sql:
        `INSERT INTO ${table} (cohort_definition_id, rule_sequence, name, description) ` +
        `VALUES (${p(1, 'integer')}, ${p(2, 'integer')}, ${p(3, 'text')}, ${p(4, 'text')})`,
      parameters: [cohortId, i, clip(rule.name, NAME_MAX), clip(rule.description, DESCRIPTION_MAX)],
      parameterTypes: ['integer', 'integer', 'text', 'text'],
    });
  });
  return out;
}
