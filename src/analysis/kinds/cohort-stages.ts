/**
 * The cohort an analysis reads: the expression's stages up to its included entry events, as CTEs,
 * and the name of the table holding them (person_id, event_id, start_date, end_date, ...).
 * A CensorWindow can drop whole persons from the cohort table; then only the events of persons
 * still in it count, so a count agrees with what `cohort generate` writes.
 */
import { cohortProgram } from '../../circe/program.js';
import { FINAL_COHORT, hasCensorWindow } from '../../circe/final-cohort.js';
import { INCLUDED_EVENTS } from '../../circe/entry-events.js';
import { INDEX_COLUMNS } from '../../circe/index-events.js';
import type { CirceExpression } from '../../circe/types.js';
import { col, cte, inQuery, select, sel, table } from '../../sql/build.js';
import type { CteNode } from '../../sql/nodes.js';

export const COHORT_EVENTS = 'cohort_events';

export function cohortEventStages(expression: CirceExpression): CteNode[] {
  const censored = hasCensorWindow(expression);
  const { stages } = cohortProgram(expression, censored ? 'final_cohort' : 'included_events');
  const kept = censored
    ? inQuery(col('i.person_id'), select({ select: [col('f.person_id')], from: table(FINAL_COHORT, 'f') }))
    : undefined;
  return [
    ...stages,
    cte(
      COHORT_EVENTS,
      select({ select: INDEX_COLUMNS.map((c) => sel(col(`i.${c}`), c)), from: table(INCLUDED_EVENTS, 'i'), where: kept }),
    ),
  ];
}
