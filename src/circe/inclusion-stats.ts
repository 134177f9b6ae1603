/**
 * Inclusion-rule statistics as OHDSI defines them, from the qualified_masks stage, in two modes:
 * 0 "events" (every qualified event) and 1 "persons" (one best event per person: the one meeting
 * the most rules, then the lowest rule met, then the earliest).
 */
import {
  asc,
  bin,
  col,
  countStar,
  desc,
  eq,
  fn,
  lit,
  over,
  param,
  select,
  sel,
  subquery,
  table,
  caseWhen,
  cte,
} from '../sql/build.js';
import type { CteNode, Expr, QueryNode } from '../sql/nodes.js';
import { QUALIFIED_MASKS } from './entry-events.js';

export const BEST_EVENTS = 'best_events';
export type Mode = 0 | 1;

/** Rule k holds for the event: its bit is set in the mask. */
const holds = (mask: Expr, k: number) => bin('<>', bin('&', mask, lit(2 ** k)), lit(0));

/**
 * The persons-mode events: one per person, the one meeting the most rules, then the lowest rule
 * met, then the earliest (circe-be's ranking), read off the mask.
 */
export function bestEventsStage(ruleCount: number): CteNode {
  const mask = col('q.inclusion_rule_mask');
  const rules = Array.from({ length: ruleCount }, (_, k) => k);
  const ruleCountExpr = rules.map((k) => caseWhen([[holds(mask, k), lit(1)]], lit(0))).reduce((a, b) => bin('+', a, b));
  const lowestRule = caseWhen(
    rules.map((k): [Expr, Expr] => [holds(mask, k), lit(k)]),
    lit(0),
  );
  const ranked = select({
    select: [
      sel(col('q.person_id'), 'person_id'),
      sel(mask, 'inclusion_rule_mask'),
      sel(
        over(
          fn('row_number'),
          [col('q.person_id')],
          [desc(ruleCountExpr), asc(lowestRule), asc(col('q.start_date')), asc(col('q.event_id'))],
        ),
        'rank_value',
      ),
    ],
    from: table(QUALIFIED_MASKS, 'q'),
  });
  return cte(
    BEST_EVENTS,
    select({
      select: [sel(col('b.person_id'), 'person_id'), sel(col('b.inclusion_rule_mask'), 'inclusion_rule_mask')],
      from: subquery(ranked, 'b'),
      where: eq(col('b.rank_value'), lit(1)),
    }),
  );
}

const source = (mode: Mode) => table(mode === 0 ? QUALIFIED_MASKS : BEST_EVENTS, 'm');

/** (inclusion_rule_mask, person_count) for one mode. */
export function maskCounts(mode: Mode): QueryNode {
  return select({
    select: [sel(col('m.inclusion_rule_mask'), 'inclusion_rule_mask'), sel(countStar(), 'person_count')],
    from: source(mode),
    groupBy: [col('m.inclusion_rule_mask')],
  });
}

const countWhere = (condition: ReturnType<typeof eq>) => fn('sum', [caseWhen([[condition, lit(1)]], lit(0))]);

/** (person_count, gain_count, person_total) of rule `k` out of `ruleCount`, for one mode. */
export function ruleStats(mode: Mode, k: number, ruleCount: number): QueryNode {
  const bit = 2 ** k;
  const all = 2 ** ruleCount - 1;
  const mask = col('m.inclusion_rule_mask');
  return select({
    select: [
      sel(fn('coalesce', [countWhere(bin('<>', bin('&', mask, param(bit, 'bigint')), lit(0))), lit(0)]), 'person_count'),
      sel(fn('coalesce', [countWhere(eq(mask, param(all - bit, 'bigint'))), lit(0)]), 'gain_count'),
      sel(countStar(), 'person_total'),
    ],
    from: source(mode),
  });
}

/** (base_count, final_count) for one mode. */
export function summaryStats(mode: Mode, ruleCount: number): QueryNode {
  return select({
    select: [
      sel(countStar(), 'base_count'),
      sel(
        fn('coalesce', [countWhere(eq(col('m.inclusion_rule_mask'), param(2 ** ruleCount - 1, 'bigint'))), lit(0)]),
        'final_count',
      ),
    ],
    from: source(mode),
  });
}
