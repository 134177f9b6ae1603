/**
 * The plan parts of every analysis kind, by kind: the validator src/plan/validate.ts calls once the
 * plan's frame is checked. Plan-safe (the panel and the Deno kernel validate with it): it reaches
 * only the kinds' plan.ts files and the plan's own helpers (src/plan/portability.spec.ts). Its keys
 * are the analysis kinds, in the order pickers and messages list them; the registry (registry.ts)
 * has a row for each.
 */
import type { ConceptSet } from '../../circe/types.js';
import type { ProblemList } from '../../plan/problems.js';
import type { AnalysisKind } from '../../plan/types.js';
import { validateAttrition } from './attrition/plan.js';
import { validateCount } from './count/plan.js';
import { validateCrosstab } from './crosstab/plan.js';
import type { Obj } from './plan-checks.js';
import { VARIABLE_KIND_VALIDATORS, type KindValidator } from './validators.js';

export type PlanValidator = (analysis: Obj, path: string, problems: ProblemList, sets: readonly ConceptSet[]) => void;

/** The variable kinds' validators return their problems; the plan validator takes them in order. */
const collect =
  (validate: KindValidator): PlanValidator =>
  (a, path, problems, sets) => {
    for (const p of validate(a, path, sets)) problems.invalid(p.path, p.message);
  };

const VALIDATORS: Record<AnalysisKind, PlanValidator> = {
  count: validateCount,
  attrition: validateAttrition,
  crosstab: validateCrosstab,
  summary: collect(VARIABLE_KIND_VALIDATORS.summary),
  histogram: collect(VARIABLE_KIND_VALIDATORS.histogram),
  glm: collect(VARIABLE_KIND_VALIDATORS.glm),
  km: collect(VARIABLE_KIND_VALIDATORS.km),
};

/** Every analysis kind, for validators and pickers. */
export const ANALYSIS_KINDS = Object.freeze(Object.keys(VALIDATORS)) as readonly AnalysisKind[];

/** The validator of a kind name from outside (a plan being validated), if it is a kind. */
export function kindValidator(kind: unknown): PlanValidator | undefined {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(VALIDATORS, kind)
    ? VALIDATORS[kind as AnalysisKind]
    : undefined;
}
