/**
 * The site parts of the counting kinds, by kind: what src/site/execute.ts runs for a plan sent to
 * /v1/execute. A Record over the counting kinds, so a new one does not compile until it is here.
 * The rounds kinds' site parts (ROUNDS_SITES) answer POST /v1/rounds: src/site/rounds.ts keeps their
 * sessions and ledger and asks the kind which rounds it answers and how.
 */
import { FedomopError } from '../../errors.js';
import type { Analysis, Plan } from '../../plan/types.js';
import { attritionSite } from './attrition/site.js';
import type { CellsAnalysis } from './cells-info.js';
import type { CellsKindSite } from './cells-site.js';
import { countSite } from './count/site.js';
import { crosstabSite } from './crosstab/site.js';
import { glmRoundsSite } from './glm/site.js';
import { histogramRoundsSite } from './histogram/site.js';
import { kmRoundsSite } from './km/site.js';
import type { VariableAnalysis } from './plan-types.js';
import type { RoundsKindSite } from './rounds-site.js';
import { summaryRoundsSite } from './summary/site.js';
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

/** The site parts of the rounds kinds, by kind: a Record, so a new one does not compile until it is here. */
export const ROUNDS_SITES: { [K in VariableAnalysis['kind']]: RoundsKindSite<Extract<VariableAnalysis, { kind: K }>> } = {
  summary: summaryRoundsSite,
  histogram: histogramRoundsSite,
  glm: glmRoundsSite,
  km: kmRoundsSite,
};

export function isRoundsPlan(plan: Plan): plan is Plan & { analysis: VariableAnalysis } {
  return KINDS[plan.analysis.kind].protocol === 'rounds';
}

/** The site part of a rounds analysis's kind. */
export function roundsSite<A extends VariableAnalysis>(a: A): RoundsKindSite<A> {
  return ROUNDS_SITES[a.kind] as unknown as RoundsKindSite<A>;
}
