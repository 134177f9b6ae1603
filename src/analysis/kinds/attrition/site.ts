/**
 * `attrition` at the site: persons and events left after each inclusion rule, as ATLAS's inclusion
 * report shows them. Row 0 is the qualifying events; row k (1..n) those meeting rules 1..k. Events
 * count every qualified event (ATLAS's "events" mode); persons count one best event per person (the
 * one meeting the most rules, then the lowest rule, then the earliest; ATLAS's "persons" mode).
 * Counts are before the ExpressionLimit, as in ATLAS.
 *
 * Person level: best (1: the person's persons-mode event, 0: qualified events), person_id, mask, events.
 */
import { QUALIFIED_EVENTS, QUALIFIED_MASKS } from '../../../circe/entry-events.js';
import { BEST_EVENTS, bestEventsStage } from '../../../circe/inclusion-stats.js';
import { cohortProgram } from '../../../circe/program.js';
import { CellAccumulator } from '../../../disclosure/person-set.js';
import type { Plan } from '../../../plan/types.js';
import {
  and,
  asc,
  bin,
  cast,
  col,
  countStar,
  eq,
  fn,
  join,
  lit,
  param,
  select,
  sel,
  setOp,
  subquery,
  table,
} from '../../../sql/build.js';
import type { QueryNode } from '../../../sql/nodes.js';
import type { CellsKindSite, PersonCell, PersonColumns } from '../cells-site.js';
import { personNumber as num } from '../cells-site.js';
import type { AttritionAnalysis } from './plan.js';
import { QUALIFYING_STEP } from './result.js';

function countOf(source: string, prefix: number): QueryNode {
  const mask = col('m.inclusion_rule_mask');
  return select({
    select: [sel(countStar(), 'n')],
    from: table(source, 'm'),
    where: prefix === 0 ? undefined : eq(bin('&', mask, param(prefix, 'bigint')), param(prefix, 'bigint')),
  });
}

function aggregateQuery(plan: Plan): QueryNode {
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

function personQuery(plan: Plan): QueryNode {
  const { ctx, stages } = cohortProgram(plan.cohort, 'included_events');
  const rules = ctx.expression.InclusionRules ?? [];
  if (rules.length === 0) {
    return select({
      with: stages,
      select: [
        sel(lit(1), 'best'),
        sel(col('q.person_id'), 'person_id'),
        sel(lit(0), 'mask'),
        sel(cast(countStar(), 'integer'), 'events'),
      ],
      from: table(QUALIFIED_EVENTS, 'q'),
      groupBy: [col('q.person_id')],
    });
  }
  const events = select({
    select: [
      sel(lit(0), 'best'),
      sel(col('m.person_id'), 'person_id'),
      sel(col('m.inclusion_rule_mask'), 'mask'),
      sel(cast(countStar(), 'integer'), 'events'),
    ],
    from: table(QUALIFIED_MASKS, 'm'),
    groupBy: [col('m.person_id'), col('m.inclusion_rule_mask')],
  });
  const best = select({
    select: [
      sel(lit(1), 'best'),
      sel(col('b.person_id'), 'person_id'),
      sel(col('b.inclusion_rule_mask'), 'mask'),
      sel(lit(0), 'events'),
    ],
    from: table(BEST_EVENTS, 'b'),
  });
  return select({
    with: [...stages, bestEventsStage(rules.length)],
    select: [
      sel(col('u.best'), 'best'),
      sel(col('u.person_id'), 'person_id'),
      sel(col('u.mask'), 'mask'),
      sel(col('u.events'), 'events'),
    ],
    // No ORDER BY: the cells' sums and signatures do not depend on the rows' order, and sorting
    // 65,000 rows on a 1M-person site cost the answer milliseconds.
    from: subquery(setOp('union all', [events, best]), 'u'),
  });
}

function personCells(plan: Plan, { n, column, words }: PersonColumns, k: number): PersonCell[] {
  const events = column('events');
  const rules = cohortProgram(plan.cohort, 'included_events').ctx.expression.InclusionRules ?? [];
  const steps = [QUALIFYING_STEP, ...rules.map((r, j) => r.name ?? `rule ${j + 1}`)].map((name, step) => ({
    dims: { rule_index: step, rule_name: name },
    acc: new CellAccumulator(k),
    prefix: 2 ** step - 1,
  }));
  const hasRules = rules.length > 0;
  const masks = column('mask');
  const bests = column('best');
  for (let i = 0; i < n; i++) {
    const mask = num(masks[i]);
    const best = num(bests[i]) === 1;
    for (const s of steps) {
      if (!hasPrefix(mask, s.prefix)) continue;
      // Without rules one row per person carries both its persons-mode membership and its events.
      if (hasRules) s.acc.add(words, i, best, best ? 0 : num(events[i]));
      else s.acc.add(words, i, true, num(events[i]));
    }
  }
  return steps.map(({ dims, acc }) => ({ dims, acc }));
}

/** mask has bits 0..step-1 set (BigInt beyond 30 rules, where JS bit operators stop). */
function hasPrefix(mask: number, prefix: number): boolean {
  if (prefix < 2 ** 30) return (mask & prefix) === prefix;
  return (BigInt(mask) & BigInt(prefix)) === BigInt(prefix);
}

export const attritionSite: CellsKindSite<AttritionAnalysis> = { aggregateQuery, personQuery, personCells };
