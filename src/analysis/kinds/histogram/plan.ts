/** `histogram` plan part: type, validation and JSON Schema fragment. Browser-safe. */
import type { ConceptSet } from '../../../circe/types.js';
import type { PlanProblem } from '../../../errors.js';
import type { Variables } from '../../variables/types.js';
import { checkInteger, checkRef, checkedVariables, KindProblems, rejectUnknown, type Obj } from '../plan-checks.js';
import { name, object, ref, type Schema } from '../plan-schema-parts.js';

export const HISTOGRAM_DEFAULT_BINS = 10;
export const HISTOGRAM_MAX_BINS = 100;

/** Persons per bin of one numeric variable; edges given, or `bins` equal-width bins chosen by the hub. */
export interface HistogramAnalysis {
  kind: 'histogram';
  variables: Variables;
  of: string;
  /** ascending bin edges; bins are [e_i, e_{i+1}) and the last one is closed */
  edges?: number[];
  /** number of equal-width bins between the pooled p05 and p95 when no edges are given (default 10) */
  bins?: number;
}

export const HISTOGRAM_FIELDS = ['kind', 'variables', 'of', 'edges', 'bins'] as const;

export function validateHistogram(a: Obj, path: string, sets: readonly ConceptSet[]): PlanProblem[] {
  const p = new KindProblems();
  rejectUnknown(a, path, HISTOGRAM_FIELDS, p, 'a histogram analysis');
  const variables = checkedVariables(a, path, sets, p);
  if (a.of === undefined) p.add(`${path}.of`, 'of is required: the numeric variable to bin, e.g. "age"');
  else checkRef(a.of, `${path}.of`, variables, ['numeric', 'count', 'time'], p, 'of');
  if (a.edges !== undefined && a.bins !== undefined) p.add(`${path}.bins`, 'give either edges or bins, not both');
  if (a.edges !== undefined) {
    const e = a.edges;
    if (!Array.isArray(e) || e.length < 2 || e.length > HISTOGRAM_MAX_BINS + 1) {
      p.add(`${path}.edges`, `edges must be an array of 2 to ${HISTOGRAM_MAX_BINS + 1} ascending numbers`);
    } else {
      e.forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) p.add(`${path}.edges[${i}]`, 'an edge must be a finite number');
        else if (i > 0 && typeof e[i - 1] === 'number' && !(x > (e[i - 1] as number)))
          p.add(`${path}.edges[${i}]`, 'edges must ascend strictly');
      });
    }
  }
  if (a.bins !== undefined) checkInteger(a.bins, `${path}.bins`, 1, HISTOGRAM_MAX_BINS, p, 'bins');
  return p.list;
}

export const HISTOGRAM_SCHEMA_DEFS: Record<string, Schema> = {
  HistogramAnalysis: {
    description: 'Persons per bin of a numeric variable; edges given or chosen by the hub.',
    ...object(
      {
        kind: { const: 'histogram' },
        variables: ref('Variables'),
        of: name,
        edges: { type: 'array', minItems: 2, maxItems: HISTOGRAM_MAX_BINS + 1, items: { type: 'number' } },
        bins: { type: 'integer', minimum: 1, maximum: HISTOGRAM_MAX_BINS },
      },
      ['kind', 'variables', 'of'],
    ),
  },
};
