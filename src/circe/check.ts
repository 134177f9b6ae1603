/**
 * Reading a Circe cohort expression: validate it with messages a researcher can act on, and hand
 * back the typed expression. PLACEHOLDER until the full validator lands: it checks only the outline.
 */
import { FedomopError } from '../errors.js';
import type { CirceExpression } from './types.js';

/** Throws FedomopError ERR_PLAN_INVALID / ERR_PLAN_UNSUPPORTED listing every problem with its path. */
export function checkCohortExpression(value: unknown): CirceExpression {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FedomopError('ERR_PLAN_INVALID', 'a cohort expression must be a JSON object');
  }
  const e = value as Record<string, unknown>;
  if (!Array.isArray(e.ConceptSets) || typeof e.PrimaryCriteria !== 'object') {
    throw new FedomopError('ERR_PLAN_INVALID', 'a cohort expression needs ConceptSets and PrimaryCriteria');
  }
  return value as CirceExpression;
}
