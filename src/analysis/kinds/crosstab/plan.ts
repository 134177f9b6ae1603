/**
 * `crosstab` plan part: type, validation and JSON Schema fragment. Cells of the built-in
 * dimensions (gender, age group, index year) and/or declared categorical variables. Browser-safe.
 */
import type { ConceptSet } from '../../../circe/types.js';
import { at, describe, didYouMean, listOf, type ProblemList } from '../../../plan/problems.js';
import { has, own, readArray, rejectUnknownKeys } from '../../../plan/shape.js';
import type { Variables } from '../../variables/types.js';
import { checkRef, checkedVariables, KindProblems, type Obj } from '../plan-checks.js';

export const CROSSTAB_DIMENSIONS = ['gender', 'age_group', 'index_year'] as const;
export type CrosstabDimension = (typeof CROSSTAB_DIMENSIONS)[number];

/** Persons and entry events per cell: by the built-in dimensions and/or categorical variables. */
export interface CrosstabAnalysis {
  kind: 'crosstab';
  /** built-in dimensions (gender, age_group, index_year) or names of categorical/binary variables */
  by: string[];
  variables?: Variables;
}

export function validateCrosstab(analysis: Obj, path: string, problems: ProblemList, sets: readonly ConceptSet[]): void {
  rejectUnknownKeys(analysis, path, ['kind', 'by', 'variables'], problems, 'a crosstab analysis');
  // Categorical variables may be crossed too; they are checked like the variable kinds' references.
  const kp = new KindProblems();
  const variables = has(analysis, 'variables') ? checkedVariables(analysis, path, sets, kp, false) : undefined;
  const byPath = at(path, 'by');
  const example = `e.g. ["gender", "age_group"] (dimensions: ${listOf(CROSSTAB_DIMENSIONS)})`;
  if (!has(analysis, 'by')) {
    problems.invalid(byPath, `by is required: the dimensions to cross, ${example}`);
    return;
  }
  const by = readArray(own(analysis, 'by'), byPath, problems, 'by');
  if (!by) return;
  if (by.length === 0) problems.invalid(byPath, `by is empty: name at least one dimension, ${example}`);
  if (by.length > CROSSTAB_DIMENSIONS.length) {
    problems.invalid(
      byPath,
      `by has ${by.length} entries; there are only ${CROSSTAB_DIMENSIONS.length} dimensions, each usable once`,
    );
  }
  const seen = new Map<string, number>();
  by.forEach((d, i) => {
    const p = at(byPath, i);
    if (typeof d === 'string' && has(analysis, 'variables') && !(CROSSTAB_DIMENSIONS as readonly string[]).includes(d)) {
      checkRef(d, p, variables, ['categorical', 'binary'], kp, 'a crosstab variable');
      if (seen.has(d)) problems.invalid(p, `"${d}" is already used at by[${seen.get(d)}]; each entry may appear once`);
      else seen.set(d, i);
      return;
    }
    if (typeof d !== 'string' || !(CROSSTAB_DIMENSIONS as readonly string[]).includes(d)) {
      const hint = typeof d === 'string' ? didYouMean(d, CROSSTAB_DIMENSIONS) : '';
      const shown = typeof d === 'string' ? JSON.stringify(d) : describe(d);
      problems.invalid(p, `unknown dimension ${shown}${hint} (dimensions: ${listOf(CROSSTAB_DIMENSIONS)})`);
      return;
    }
    const earlier = seen.get(d);
    if (earlier !== undefined)
      problems.invalid(p, `dimension "${d}" is already used at by[${earlier}]; each dimension may appear once`);
    else seen.set(d, i);
  });
  for (const q of kp.list) problems.invalid(q.path, q.message);
}

type Schema = Record<string, unknown>;

/** The JSON Schema fragment; `name` and `ref` are the variable kinds' shared pieces (plan-schema-defs.ts). */
export function crosstabSchemaDefs(name: Schema, ref: (def: string) => Schema): Record<string, Schema> {
  return {
    CrosstabAnalysis: {
      description: 'Persons and entry events per cell of the chosen dimensions or categorical variables.',
      type: 'object',
      required: ['kind', 'by'],
      additionalProperties: false,
      properties: {
        kind: { const: 'crosstab' },
        by: {
          type: 'array',
          minItems: 1,
          maxItems: CROSSTAB_DIMENSIONS.length,
          uniqueItems: true,
          items: { anyOf: [{ enum: [...CROSSTAB_DIMENSIONS] }, name] },
        },
        variables: ref('Variables'),
      },
    },
  };
}
