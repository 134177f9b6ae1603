/** `histogram` plan part: validation. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import { HISTOGRAM_MAX_BINS } from '../plan-types.js';
import { checkInteger, checkRef, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';

export const HISTOGRAM_FIELDS = ['kind', 'variables', 'of', 'edges', 'bins'] as const;

export function validateHistogram(a: Obj, path: string, sets: readonly ConceptSet[]): PlanProblem[] {
  const p = new KindProblems();
  rejectUnknown(a, path, HISTOGRAM_FIELDS, p, 'a histogram analysis');
  const variables = checkedVariables(a, path, sets, p);
  if (a.of === undefined) p.add(`${path}.of`, 'of is required: the numeric variable to bin, e.g. "age"');
  else checkRef(a.of, `${path}.of`, variables, ['numeric', 'count', 'time'], p, 'of');
  if (a.edges !== undefined && a.bins !== undefined) p.add(`${path}.bins`, 'give either edges or bins, not both');
  if (a.edges !== undefined) {
    const e = a.edges;
    if (!Array.isArray(e) || e.length < 2 || e.length > HISTOGRAM_MAX_BINS + 1) {
      p.add(`${path}.edges`, `edges must be an array of 2 to ${HISTOGRAM_MAX_BINS + 1} ascending numbers`);
    } else {
      e.forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) p.add(`${path}.edges[${i}]`, 'an edge must be a finite number');
        else if (i > 0 && typeof e[i - 1] === 'number' && !(x > (e[i - 1] as number)))
          p.add(`${path}.edges[${i}]`, 'edges must ascend strictly');
      });
    }
  }
  if (a.bins !== undefined) checkInteger(a.bins, `${path}.bins`, 1, HISTOGRAM_MAX_BINS, p, 'bins');
  return p.list;
}
