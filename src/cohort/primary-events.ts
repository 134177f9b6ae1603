/**
 * The cohort's entry events: every criterion's records, kept only when they start inside one of
 * the person's observation periods and satisfy the ObservationWindow, then the PrimaryCriteriaLimit
 * and, with no inclusion rules in plan v1, the ExpressionLimit right after it (circe's default for
 * both is First when left out; QualifiedLimit only acts on AdditionalCriteria, which v1 refuses).
 * The result is the `cohort_events` CTE:
 * (person_id, event_id, start_date, end_date, op_start, op_end), one row per entry event.
 */
import type { CirceExpression, LimitType } from '../plan/types.js';
import {
  and,
  asc,
  col,
  cte,
  dateAdd,
  desc,
  eq,
  fn,
  gte,
  int,
  join,
  lit,
  lte,
  over,
  select,
  sel,
  setOp,
  subquery,
  table,
} from '../sql/build.js';
import type { CteNode, QueryNode } from '../sql/nodes.js';
import { normalizeLimitType } from '../plan/index.js';
import { criterionQuery } from './criteria.js';

export const COHORT_EVENTS = 'cohort_events';

/** A Circe limit object's type; circe's object model defaults a missing limit or Type to First. */
export function limitType(limit: { Type?: string } | undefined): LimitType {
  return normalizeLimitType(limit?.Type ?? 'First') ?? 'First';
}

const EVENT_COLUMNS = ['person_id', 'event_id', 'start_date', 'end_date', 'op_start', 'op_end'];

/** Rows of `query` whose `ordinal` is 1. */
function firstOfPerson(query: QueryNode, alias: string): QueryNode {
  return select({
    select: EVENT_COLUMNS.map((c) => sel(col(`${alias}.${c}`), c)),
    from: subquery(query, alias),
    where: eq(col(`${alias}.ordinal`), lit(1)),
  });
}

/** One event per person from an events query: the earliest (First) or latest (Last), ties to the lower id. */
function limited(events: QueryNode, type: 'First' | 'Last'): QueryNode {
  const start = col('x.start_date');
  const numbered = select({
    select: [
      ...EVENT_COLUMNS.map((c) => sel(col(`x.${c}`), c)),
      sel(
        over(fn('row_number'), [col('x.person_id')], [type === 'Last' ? desc(start) : asc(start), asc(col('x.event_id'))]),
        'ordinal',
      ),
    ],
    from: subquery(events, 'x'),
  });
  return firstOfPerson(numbered, 'l');
}

/** CTEs, in order, ending with COHORT_EVENTS. */
export function cohortEventCtes(expression: CirceExpression): CteNode[] {
  const primary = expression.PrimaryCriteria;
  const ctes: CteNode[] = [];

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
    from: subquery(
      setOp(
        'union all',
        primary.CriteriaList.map((c) => criterionQuery(c, expression.ConceptSets)),
      ),
      'e',
    ),
    joins: [
      join(
        table('observation_period', 'op'),
        and(eq(col('op.person_id'), col('e.person_id')), gte(start, opStart), lte(start, opEnd))!,
      ),
    ],
    where: and(lte(dateAdd(opStart, int(prior)), start), lte(dateAdd(start, int(post)), opEnd)),
  });

  const primaryEvents = limit === 'All' ? inWindow : firstOfPerson(inWindow, 'w');
  // After a First/Last primary limit each person has one event left, so the expression limit only
  // has work to do after All.
  // QualifiedLimit acts only when AdditionalCriteria is present (v1 allows only an empty group).
  const qualifiedLimit =
    expression.AdditionalCriteria === undefined || expression.AdditionalCriteria === null
      ? 'All'
      : limitType(expression.QualifiedLimit as { Type?: string } | undefined);
  const expressionLimit = limitType(expression.ExpressionLimit as { Type?: string } | undefined);
  const narrowing = [qualifiedLimit, expressionLimit].find((l) => l !== 'All') as 'First' | 'Last' | undefined;
  const events = limit !== 'All' || !narrowing ? primaryEvents : limited(primaryEvents, narrowing);
  ctes.push(cte(COHORT_EVENTS, events));
  return ctes;
}
