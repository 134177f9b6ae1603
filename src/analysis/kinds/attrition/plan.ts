/** `attrition` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ProblemList } from '../../../plan/problems.js';
import { rejectUnknownKeys } from '../../../plan/shape.js';
import type { Obj } from '../plan-checks.js';

/**
 * Persons and entry events remaining after each inclusion rule, in order, as ATLAS shows them:
 * the qualified events first, then after rule 0, after rules 0 and 1, ... (circe's attrition).
 */
export interface AttritionAnalysis {
  kind: 'attrition';
}

export function validateAttrition(a: Obj, path: string, problems: ProblemList): void {
  rejectUnknownKeys(a, path, ['kind'], problems, 'a attrition analysis');
}

export const ATTRITION_SCHEMA_DEFS = {
  AttritionAnalysis: {
    description: 'Persons and entry events remaining after each inclusion rule, in order.',
    type: 'object',
    required: ['kind'],
    additionalProperties: false,
    properties: { kind: { const: 'attrition' } },
  },
};
