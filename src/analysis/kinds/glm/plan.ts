/** `glm` plan part: validation. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import type { VariableKind } from '../../variables/types.js';
import { GLM_FAMILIES, GLM_MAX_COVARIATES } from '../plan-types.js';
import { checkRef, checkRefList, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';

export const GLM_FIELDS = ['kind', 'variables', 'family', 'outcome', 'covariates', 'offset', 'onRefusal'] as const;

/** Outcome kinds each family can model. */
const OUTCOMES: Record<(typeof GLM_FAMILIES)[number], VariableKind[]> = {
  gaussian: ['numeric', 'count', 'binary'],
  binomial: ['binary'],
  poisson: ['count', 'binary'],
};

export function validateGlm(a: Obj, path: string, sets: readonly ConceptSet[]): PlanProblem[] {
  const p = new KindProblems();
  rejectUnknown(a, path, GLM_FIELDS, p, 'a glm analysis');
  const variables = checkedVariables(a, path, sets, p);
  const family = a.family as (typeof GLM_FAMILIES)[number];
  const familyOk = GLM_FAMILIES.includes(family);
  if (!familyOk) p.add(`${path}.family`, `family must be one of ${GLM_FAMILIES.join(', ')}`);
  if (a.outcome === undefined) p.add(`${path}.outcome`, 'outcome is required: the variable the model explains');
  else
    checkRef(
      a.outcome,
      `${path}.outcome`,
      variables,
      familyOk ? OUTCOMES[family] : ['numeric', 'count', 'binary'],
      p,
      `the outcome of a ${familyOk ? family : ''} model`.replace('  ', ' '),
    );
  if (a.covariates === undefined) p.add(`${path}.covariates`, 'covariates are required (an empty array fits the intercept only)');
  else {
    const covs = checkRefList(
      a.covariates,
      `${path}.covariates`,
      variables,
      ['numeric', 'count', 'binary', 'categorical'],
      p,
      'covariates',
      {
        min: 0,
        max: GLM_MAX_COVARIATES,
      },
    );
    covs?.forEach((c, i) => {
      if (c === a.outcome) p.add(`${path}.covariates[${i}]`, `"${c}" is the outcome; it cannot also be a covariate`);
      if (c === a.offset) p.add(`${path}.covariates[${i}]`, `"${c}" is the offset; it cannot also be a covariate`);
    });
  }
  if (a.offset !== undefined) {
    checkRef(a.offset, `${path}.offset`, variables, ['numeric', 'count'], p, 'offset');
    if (a.offset === a.outcome) p.add(`${path}.offset`, 'the offset cannot be the outcome');
  }
  if (a.onRefusal !== undefined && a.onRefusal !== 'fail' && a.onRefusal !== 'continue') {
    p.add(`${path}.onRefusal`, "onRefusal must be 'fail' or 'continue'");
  }
  return p.list;
}
