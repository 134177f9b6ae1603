/**
 * The site parts of the counting kinds, by kind: what src/site/execute.ts runs for a plan sent to
 * /v1/execute. A Record over the counting kinds, so a new one does not compile until it is here.
 * (The rounds kinds' site parts answer POST /v1/rounds by round type: src/site/rounds.ts.)
 */
import { FedomopError } from '../../errors.js';
import type { Analysis, Plan } from '../../plan/types.js';
import { attritionSite } from './attrition/site.js';
import type { CellsAnalysis } from './cells-info.js';
import type { CellsKindSite } from './cells-site.js';
import { countSite } from './count/site.js';
import { crosstabSite } from './crosstab/site.js';
import { KINDS } from './registry.js';

const SITES: { [K in CellsAnalysis['kind']]: CellsKindSite<Extract<CellsAnalysis, { kind: K }>> } = {
  count: countSite,
  attrition: attritionSite,
  crosstab: crosstabSite,
};

export function isCellsPlan(plan: Plan): plan is Plan & { analysis: CellsAnalysis } {
  return KINDS[plan.analysis.kind].protocol === 'cells';
}

/** The site part of a counting plan's kind; a rounds kind (driven by a hub) is refused with `why`. */
export function cellsSite<A extends Analysis>(plan: Plan & { analysis: A }, why: string): CellsKindSite<A> {
  if (!isCellsPlan(plan))
    throw new FedomopError('ERR_HUB_REQUIRED', `a ${plan.analysis.kind} analysis runs in rounds driven by a hub${why}`);
  return SITES[plan.analysis.kind] as unknown as CellsKindSite<A>;
}
