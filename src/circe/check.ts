/**
 * Reading a Circe cohort expression: the plan validator's cohort checker (src/plan) applied to a
 * bare expression, so `fedomop cohort generate`, the ATLAS import and a plan's `cohort` are held
 * to exactly the same rules. Problem paths start at the expression, e.g.
 * `InclusionRules[2].expression.CriteriaList[0].Occurrence.Count`.
 *
 * API choice: checkCohortExpression keeps returning the expression (callers that only want a
 * checked expression stay simple); cohortWarnings gives the warnings separately, and
 * validateCohortExpression (src/plan) returns both without throwing.
 */
import type { ValidateOptions } from '../plan/validate.js';
import { planError, validateCohortExpression } from '../plan/validate.js';
import type { PlanWarning } from '../plan/problems.js';
import type { CirceExpression } from './types.js';

/**
 * The expression, as a fresh copy of the JSON that was checked. Throws FedomopError
 * ERR_PLAN_INVALID / ERR_PLAN_UNSUPPORTED / ERR_PLAN_TOO_LARGE with `details.problems` listing
 * every problem with its path.
 */
export function checkCohortExpression(value: unknown, options: ValidateOptions = {}): CirceExpression {
  const result = validateCohortExpression(value, options);
  if (!result.ok) throw planError(result);
  return result.expression;
}

/**
 * What Circe would run but is almost surely not meant (an empty concept set in use, a window that
 * ends before it starts, AT_LEAST n of fewer than n members, ...), each with its path. Works on
 * any value; for an invalid expression it lists the warnings found before the problems.
 */
export function cohortWarnings(value: unknown, options: ValidateOptions = {}): PlanWarning[] {
  return validateCohortExpression(value, options).warnings;
}
