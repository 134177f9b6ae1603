/** `km` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import type { Variables } from '../../variables/types.js';
import { checkInteger, checkRef, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';
import { name, object, ref, type Schema } from '../plan-schema-parts.js';

export const KM_DEFAULT_BIN_DAYS = 30;
export const KM_MAX_BIN_DAYS = 3650;

/** Kaplan–Meier survival of a time_to variable, optionally by stratum, on an agreed bin grid. */
export interface KmAnalysis {
  kind: 'km';
  variables: Variables;
  /** a time_to variable */
  time: string;
  /** a categorical or binary variable */
  strata?: string;
  /** bin width in days (default 30) */
  binDays?: number;
}

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

export const KM_SCHEMA_DEFS: Record<string, Schema> = {
  KmAnalysis: {
    description: 'Kaplan–Meier survival of a time_to variable on an agreed bin grid, optionally by stratum.',
    ...object(
      {
        kind: { const: 'km' },
        variables: ref('Variables'),
        time: name,
        strata: name,
        binDays: { type: 'integer', minimum: 1, maximum: KM_MAX_BIN_DAYS },
      },
      ['kind', 'variables', 'time'],
    ),
  },
};
