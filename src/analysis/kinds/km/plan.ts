/** `km` plan part: validation. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import { KM_MAX_BIN_DAYS } from '../plan-types.js';
import { checkInteger, checkRef, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';

export const KM_FIELDS = ['kind', 'variables', 'time', 'strata', 'binDays'] as const;

export function validateKm(a: Obj, path: string, sets: readonly ConceptSet[]): PlanProblem[] {
  const p = new KindProblems();
  rejectUnknown(a, path, KM_FIELDS, p, 'a km analysis');
  const variables = checkedVariables(a, path, sets, p);
  if (a.time === undefined) p.add(`${path}.time`, 'time is required: a time_to variable');
  else checkRef(a.time, `${path}.time`, variables, ['time'], p, 'time');
  if (a.strata !== undefined) checkRef(a.strata, `${path}.strata`, variables, ['categorical', 'binary'], p, 'strata');
  if (a.binDays !== undefined) checkInteger(a.binDays, `${path}.binDays`, 1, KM_MAX_BIN_DAYS, p, 'binDays');
  return p.list;
}
