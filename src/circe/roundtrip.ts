/**
 * Circe cohort expressions in and out, losslessly. `parseCohortExpression` reads ATLAS's JSON
 * (checked in full, src/circe/check.ts) and keeps every field as written, concept names and
 * Circe fields fedomop ignores included; `exportCohortExpression` writes it back unchanged, so an
 * expression survives a trip through fedomop into ATLAS. What the compiler needs instead, one
 * spelling for each meaning, is `normalizeCohortExpression`: a pure function returning a new
 * value, never touching what export writes.
 */
import { FedomopError } from '../errors.js';
import { utf8Bytes } from '../plan/json-scan.js';
import { resolveLimits } from '../plan/limits.js';
import type { PlanWarning } from '../plan/problems.js';
import { notJson, planError, validateCohortExpression, type ValidateOptions } from '../plan/validate.js';
import type { CirceExpression } from './types.js';

export interface ParsedCohortExpression {
  expression: CirceExpression;
  warnings: PlanWarning[];
}

/** Text (ATLAS "Export → JSON" of the expression) → the checked expression and its warnings. Throws FedomopError. */
export function parseCohortExpression(text: string, options: ValidateOptions = {}): ParsedCohortExpression {
  const limits = resolveLimits(options.limits);
  if (text.length > limits.maxPlanTextBytes || utf8Bytes(text) > limits.maxPlanTextBytes) {
    throw new FedomopError('ERR_PLAN_TOO_LARGE', `the cohort expression text is over the ${limits.maxPlanTextBytes} byte limit`);
  }
  // Editors on Windows save JSON with a byte-order mark, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const message = notJson(body, e, 'the cohort expression');
    throw new FedomopError('ERR_PLAN_INVALID', message, { problems: [{ path: '', message }] });
  }
  const result = validateCohortExpression(value, options);
  if (!result.ok) throw planError(result);
  return { expression: result.expression, warnings: result.warnings };
}

/** The expression as JSON text, every field as it was (2-space indentation, as ATLAS shows it). */
export function exportCohortExpression(expression: CirceExpression): string {
  return JSON.stringify(expression, null, 2);
}

export { normalizeCohortExpression } from './normalize.js';
