/** `count` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ProblemList } from '../../../plan/problems.js';
import { rejectUnknownKeys } from '../../../plan/shape.js';
import type { Obj } from '../plan-checks.js';

/** Persons in the cohort and the entry events that put them there. */
export interface CountAnalysis {
  kind: 'count';
}

export function validateCount(a: Obj, path: string, problems: ProblemList): void {
  rejectUnknownKeys(a, path, ['kind'], problems, 'a count analysis');
}

export const COUNT_SCHEMA_DEFS = {
  CountAnalysis: {
    description: 'Persons in the cohort and their entry events.',
    type: 'object',
    required: ['kind'],
    additionalProperties: false,
    properties: { kind: { const: 'count' } },
  },
};
