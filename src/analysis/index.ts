/** Plan → the site's aggregate query. Only aggregates leave this module; disclosure control follows. */
import type { Plan } from '../plan/types.js';
import type { QueryNode } from '../sql/nodes.js';
import { FedomopError } from '../errors.js';
import { attritionQuery } from './attrition.js';
import { countQuery } from './count.js';
import { crosstabQuery } from './crosstab.js';

export function analysisQuery(plan: Plan): QueryNode {
  switch (plan.analysis.kind) {
    case 'count':
      return countQuery(plan);
    case 'crosstab':
      return crosstabQuery({ ...plan, analysis: plan.analysis });
    case 'attrition':
      return attritionQuery(plan);
    default:
      throw new FedomopError(
        'ERR_HUB_REQUIRED',
        `a ${plan.analysis.kind} analysis runs in rounds driven by a hub, not on /v1/execute`,
      );
  }
}

export { GENDER_LABELS, TOP_AGE_BAND, UNKNOWN_GENDER } from './crosstab.js';
