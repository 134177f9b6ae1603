/** Plan → the site's aggregate query. Only aggregates leave this module; disclosure control follows. */
import type { Plan } from '../plan/types.js';
import type { QueryNode } from '../sql/nodes.js';
import { cellsSite } from './kinds/site-kinds.js';

/** The counting kind's aggregate SQL (one row per cell); each kind's own is in src/analysis/kinds/<kind>/. */
export function analysisQuery(plan: Plan): QueryNode {
  return cellsSite(plan, ', not on /v1/execute').aggregateQuery(plan);
}

export { GENDER_LABELS, TOP_AGE_BAND, UNKNOWN_GENDER } from './kinds/crosstab/cells.js';
