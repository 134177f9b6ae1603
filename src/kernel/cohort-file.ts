/**
 * `cohortFromFile("prostate.cohort.json")` in a TypeScript notebook: the Circe expression a
 * `.cohort.json` file holds (a bare expression, or an ATLAS cohort-definition export around one), as
 * the cohort of a plan. Relative paths are the notebook's (see notebook-cwd.ts). Validation happens
 * where every plan is validated: at the hub and at each site.
 */
import { readExpressionFile } from '../generate/read-expression.js';
import type { CirceExpression } from '../circe/types.js';

export async function cohortFromFile(path: string): Promise<CirceExpression> {
  return (await readExpressionFile(path)) as CirceExpression;
}
