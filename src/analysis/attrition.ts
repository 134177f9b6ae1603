/**
 * `attrition`: persons and events left after each inclusion rule, as ATLAS's inclusion report
 * shows them. Row 0 is the qualifying events; row k (1..n) those meeting rules 1..k. Events count
 * every qualified event (ATLAS's "events" mode); persons count one best event per person (the one
 * meeting the most rules, then the lowest rule, then the earliest; ATLAS's "persons" mode).
 * Counts are before the ExpressionLimit, as in ATLAS.
 */
import { QUALIFIED_EVENTS, QUALIFIED_MASKS } from '../circe/entry-events.js';
import { BEST_EVENTS, bestEventsStage } from '../circe/inclusion-stats.js';
import { cohortProgram } from '../circe/program.js';
import type { Plan } from '../plan/types.js';
import { and, asc, bin, col, countStar, eq, fn, join, lit, param, select, sel, setOp, subquery, table } from '../sql/build.js';
import type { QueryNode } from '../sql/nodes.js';

export const QUALIFYING_STEP = 'qualifying events';

function countOf(source: string, prefix: number): QueryNode {
  const mask = col('m.inclusion_rule_mask');
  return select({
    select: [sel(countStar(), 'n')],
    from: table(source, 'm'),
    where: prefix === 0 ? undefined : eq(bin('&', mask, param(prefix, 'bigint')), param(prefix, 'bigint')),
  });
}

export function attritionQuery(plan: Plan): QueryNode {
  const { ctx, stages } = cohortProgram(plan.cohort, 'included_events');
  const rules = ctx.expression.InclusionRules ?? [];

  if (rules.length === 0) {
    return select({
      with: stages,
      select: [
        sel(lit(0), 'rule_index'),
        sel(param(QUALIFYING_STEP, 'text'), 'rule_name'),
        sel(fn('count', [col('q.person_id')], { distinct: true }), 'persons'),
        sel(countStar(), 'events'),
      ],
      from: table(QUALIFIED_EVENTS, 'q'),
    });
  }

  const steps = [QUALIFYING_STEP, ...rules.map((r, k) => r.name ?? `rule ${k + 1}`)].map((name, step) => {
    const prefix = 2 ** step - 1; // rules 1..step, i.e. bits 0..step-1
    return select({
      select: [
        sel(param(step, 'integer'), 'rule_index'),
        sel(param(name, 'text'), 'rule_name'),
        sel(col('p.n'), 'persons'),
        sel(col('e.n'), 'events'),
      ],
      from: subquery(countOf(BEST_EVENTS, prefix), 'p'),
      joins: [join(subquery(countOf(QUALIFIED_MASKS, prefix), 'e'), and(eq(lit(1), lit(1)))!)],
    });
  });
  return select({
    with: [...stages, bestEventsStage(rules.length)],
    select: [
      sel(col('s.rule_index'), 'rule_index'),
      sel(col('s.rule_name'), 'rule_name'),
      sel(col('s.persons'), 'persons'),
      sel(col('s.events'), 'events'),
    ],
    from: subquery(setOp('union all', steps), 's'),
    orderBy: [asc(col('s.rule_index'))],
  });
}
