/** `summary` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import type { Variables } from '../../variables/types.js';
import { MAX_VARIABLES } from '../../variables/validate.js';
import { checkRef, checkRefList, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';
import { name, names, object, ref, type Schema } from '../plan-schema-parts.js';

/** n, missing, mean, sd and exact pooled quantiles per numeric variable; level counts per categorical one. */
export interface SummaryAnalysis {
  kind: 'summary';
  variables: Variables;
  of: string[];
  /** a categorical or binary variable: one row set per level */
  by?: string;
}

export const SUMMARY_FIELDS = ['kind', 'variables', 'of', 'by'] as const;

export function validateSummary(a: Obj, path: string, sets: readonly ConceptSet[]): PlanProblem[] {
  const p = new KindProblems();
  rejectUnknown(a, path, SUMMARY_FIELDS, p, 'a summary analysis');
  const variables = checkedVariables(a, path, sets, p);
  if (a.of === undefined) p.add(`${path}.of`, 'of is required: the variables to summarise, e.g. ["age"]');
  else
    checkRefList(a.of, `${path}.of`, variables, ['numeric', 'count', 'binary', 'time', 'categorical'], p, 'of', {
      min: 1,
      max: MAX_VARIABLES,
    });
  if (a.by !== undefined) {
    checkRef(a.by, `${path}.by`, variables, ['categorical', 'binary'], p, 'by');
    if (Array.isArray(a.of) && a.of.includes(a.by))
      p.add(`${path}.by`, `"${String(a.by)}" cannot be both summarised and the grouping`);
  }
  return p.list;
}

export const SUMMARY_SCHEMA_DEFS: Record<string, Schema> = {
  SummaryAnalysis: {
    description: 'n, missing, mean, sd and exact pooled quantiles (categorical: level counts) per variable.',
    ...object({ kind: { const: 'summary' }, variables: ref('Variables'), of: names(1, MAX_VARIABLES), by: name }, [
      'kind',
      'variables',
      'of',
    ]),
  },
};
