/** `count`: persons in the cohort and their entry events, one row. */
import { COHORT_EVENTS, cohortEventStages } from './cohort-stages.js';
import type { Plan } from '../plan/types.js';
import { col, countStar, fn, sel, select, table } from '../sql/build.js';
import type { QueryNode } from '../sql/nodes.js';

export function countQuery(plan: Plan): QueryNode {
  return select({
    with: cohortEventStages(plan.cohort),
    select: [sel(fn('count', [col('e.person_id')], { distinct: true }), 'persons'), sel(countStar(), 'events')],
    from: table(COHORT_EVENTS, 'e'),
  });
}
