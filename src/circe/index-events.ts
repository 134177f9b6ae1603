/**
 * Index events: the rows correlated criteria and demographic criteria are evaluated against.
 * Columns: person_id, event_id, start_date, end_date, visit_occurrence_id, op_start, op_end.
 */
import { and, col, eq, gte, join, lte, select, sel, subquery, table } from '../sql/build.js';
import type { QueryNode } from '../sql/nodes.js';

export const INDEX_COLUMNS = [
  'person_id',
  'event_id',
  'start_date',
  'end_date',
  'visit_occurrence_id',
  'op_start',
  'op_end',
] as const;

/** Events (criterion columns) with the observation period each starts in; events outside every period drop out. */
export function withObservationPeriod(events: QueryNode): QueryNode {
  const start = col('e.start_date');
  return select({
    select: [
      sel(col('e.person_id'), 'person_id'),
      sel(col('e.event_id'), 'event_id'),
      sel(start, 'start_date'),
      sel(col('e.end_date'), 'end_date'),
      sel(col('e.visit_occurrence_id'), 'visit_occurrence_id'),
      sel(col('e.concept_id'), 'concept_id'),
      sel(col('op.observation_period_start_date'), 'op_start'),
      sel(col('op.observation_period_end_date'), 'op_end'),
    ],
    from: subquery(events, 'e'),
    joins: [
      join(
        table('observation_period', 'op'),
        and(
          eq(col('op.person_id'), col('e.person_id')),
          gte(start, col('op.observation_period_start_date')),
          lte(start, col('op.observation_period_end_date')),
        )!,
      ),
    ],
  });
}
