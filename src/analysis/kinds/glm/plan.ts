/** `glm` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import type { VariableKind, Variables } from '../../variables/types.js';
import { checkRef, checkRefList, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';
import { name, names, object, ref, type Schema } from '../plan-schema-parts.js';

export const GLM_FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;
export type GlmFamilyName = (typeof GLM_FAMILIES)[number];
export const GLM_MAX_COVARIATES = 30;

/** A generalised linear model fitted by federated IRLS at the hub. */
export interface GlmAnalysis {
  kind: 'glm';
  variables: Variables;
  family: GlmFamilyName;
  outcome: string;
  covariates: string[];
  /** a numeric variable added to the linear predictor with coefficient 1 (e.g. log exposure) */
  offset?: string;
  /** 'fail' (default): a site that refuses fails the fit; 'continue': fit on the others and say so */
  onRefusal?: 'fail' | 'continue';
}

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

export const GLM_SCHEMA_DEFS: Record<string, Schema> = {
  GlmAnalysis: {
    description: 'A generalised linear model fitted by federated IRLS (gaussian, binomial or poisson).',
    ...object(
      {
        kind: { const: 'glm' },
        variables: ref('Variables'),
        family: { enum: [...GLM_FAMILIES] },
        outcome: name,
        covariates: names(0, GLM_MAX_COVARIATES),
        offset: name,
        onRefusal: { enum: ['fail', 'continue'] },
      },
      ['kind', 'variables', 'family', 'outcome', 'covariates'],
    ),
  },
};
