/** `count` at the site: persons in the cohort and their entry events, one cell. */
import { COHORT_EVENTS, cohortEventStages } from '../cohort-stages.js';
import { CellAccumulator } from '../../../disclosure/person-set.js';
import { cast, col, countStar, fn, sel, select, table } from '../../../sql/build.js';
import type { CellsKindSite } from '../cells-site.js';
import { personNumber as num } from '../cells-site.js';
import type { CountAnalysis } from './plan.js';

export const countSite: CellsKindSite<CountAnalysis> = {
  aggregateQuery: (plan) =>
    select({
      with: cohortEventStages(plan.cohort),
      select: [sel(fn('count', [col('e.person_id')], { distinct: true }), 'persons'), sel(countStar(), 'events')],
      from: table(COHORT_EVENTS, 'e'),
    }),

  /** person_id, events */
  personQuery: (plan) =>
    select({
      with: cohortEventStages(plan.cohort),
      select: [sel(col('e.person_id'), 'person_id'), sel(cast(countStar(), 'integer'), 'events')],
      from: table(COHORT_EVENTS, 'e'),
      groupBy: [col('e.person_id')],
    }),

  personCells(_plan, { n, column, words }, k) {
    const events = column('events');
    const acc = new CellAccumulator(k);
    for (let i = 0; i < n; i++) acc.add(words, i, true, num(events[i]));
    return [{ dims: {}, acc }];
  },
};
