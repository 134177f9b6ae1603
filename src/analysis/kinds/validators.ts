/**
 * The plan validators of the kinds that read variables, by kind: one entry per kind folder.
 * src/plan/validate.ts calls these after its own checks of the plan's frame. Browser-safe.
 */
import type { ConceptSet } from '../../circe/types.js';
import type { PlanProblem } from '../../errors.js';
import { validateGlm } from './glm/plan.js';
import { validateHistogram } from './histogram/plan.js';
import { validateKm } from './km/plan.js';
import type { Obj } from './plan-checks.js';
import type { VariableAnalysis } from './plan-types.js';
import { validateSummary } from './summary/plan.js';

export type KindValidator = (analysis: Obj, path: string, sets: readonly ConceptSet[]) => PlanProblem[];

export const VARIABLE_KIND_VALIDATORS: Record<VariableAnalysis['kind'], KindValidator> = {
  summary: validateSummary,
  histogram: validateHistogram,
  glm: validateGlm,
  km: validateKm,
};
