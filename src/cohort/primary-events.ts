/**
 * The cohort's entry events: every criterion's records, kept only when they start inside one of
 * the person's observation periods and satisfy the ObservationWindow, then the PrimaryCriteriaLimit
 * (circe's default is First when the limit is left out). The result is the `cohort_events` CTE:
 * (person_id, event_id, start_date, end_date, op_start, op_end), one row per entry event.
 */
import type { CirceExpression, LimitType, PrimaryCriteria } from '../plan/types.js';
import { and, asc, col, cte, dateAdd, desc, eq, fn, gte, int, join, lit, lte, over, select, sel, setOp, subquery, table } from '../sql/build.js';
import type { CteNode } from '../sql/nodes.js';
import { codesetsCte } from './codesets.js';
import { criterionAttributes, criterionQuery } from './criteria.js';

export const COHORT_EVENTS = 'cohort_events';

export function limitType(limit: { Type?: string } | undefined): LimitType {
  const t = (limit?.Type ?? 'First').toLowerCase();
  return t === 'all' ? 'All' : t === 'last' ? 'Last' : 'First';
}

function usedCodesets(primary: PrimaryCriteria): Set<number> {
  const used = new Set<number>();
  for (const c of primary.CriteriaList) {
    const id = criterionAttributes(c).CodesetId;
    if (id !== undefined) used.add(id);
  }
  return used;
}

/** CTEs, in order, ending with COHORT_EVENTS. */
export function cohortEventCtes(expression: CirceExpression): CteNode[] {
  const primary = expression.PrimaryCriteria;
  const ctes: CteNode[] = [];
  const codesets = codesetsCte(expression.ConceptSets, usedCodesets(primary));
  if (codesets) ctes.push(codesets);

  const prior = primary.ObservationWindow?.PriorDays ?? 0;
  const post = primary.ObservationWindow?.PostDays ?? 0;
  const opStart = col('op.observation_period_start_date');
  const opEnd = col('op.observation_period_end_date');
  const start = col('e.start_date');
  const limit = limitType(primary.PrimaryCriteriaLimit);

  const inWindow = select({
    select: [
      sel(col('e.person_id'), 'person_id'),
      sel(col('e.event_id'), 'event_id'),
      sel(start, 'start_date'),
      sel(col('e.end_date'), 'end_date'),
      sel(opStart, 'op_start'),
      sel(opEnd, 'op_end'),
      ...(limit === 'All'
        ? []
        : [
            sel(
              over(fn('row_number'), [col('e.person_id')], [limit === 'Last' ? desc(start) : asc(start), asc(col('e.event_id'))]),
              'ordinal',
            ),
          ]),
    ],
    from: subquery(setOp('union all', primary.CriteriaList.map(criterionQuery)), 'e'),
    joins: [
      join(
        table('observation_period', 'op'),
        and(eq(col('op.person_id'), col('e.person_id')), gte(start, opStart), lte(start, opEnd))!,
      ),
    ],
    where: and(lte(dateAdd(opStart, int(prior)), start), lte(dateAdd(start, int(post)), opEnd)),
  });

  const events =
    limit === 'All'
      ? inWindow
      : select({
          select: ['person_id', 'event_id', 'start_date', 'end_date', 'op_start', 'op_end'].map((c) => sel(col(`w.${c}`), c)),
          from: subquery(inWindow, 'w'),
          where: eq(col('w.ordinal'), lit(1)),
        });
  ctes.push(cte(COHORT_EVENTS, events));
  return ctes;
}
