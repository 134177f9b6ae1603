/**
 * The cohort's entry events, stage by stage as circe-be builds them:
 *   primary_events   every criterion's events starting in an observation period that satisfies the
 *                    ObservationWindow; event_id is the person's ordinal (circe's own numbering);
 *                    PrimaryCriteriaLimit First/Last keeps one per person
 *   qualified_events those satisfying AdditionalCriteria; QualifiedLimit (only with AdditionalCriteria)
 *   inclusion_events (rule, person, event) for each inclusion rule an event satisfies
 *   qualified_masks  each qualified event with its inclusion_rule_mask (bit i = rule i)
 *   included_events  qualified events satisfying every rule; ExpressionLimit
 * All have columns person_id, event_id, start_date, end_date, visit_occurrence_id, op_start, op_end.
 */
import {
  and,
  asc,
  cast,
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
  param,
  select,
  sel,
  setOp,
  subquery,
  table,
} from '../sql/build.js';
import type { CteNode, Expr, QueryNode } from '../sql/nodes.js';
import type { CompileContext } from './context.js';
import { criterionEvents } from './criterion.js';
import { groupQuery } from './group.js';
import { INDEX_COLUMNS } from './index-events.js';
import { limitType } from './limits.js';
import type { LimitType } from './types.js';

export const PRIMARY_EVENTS = 'primary_events';
export const QUALIFIED_EVENTS = 'qualified_events';
export const INCLUSION_EVENTS = 'inclusion_events';
export const QUALIFIED_MASKS = 'qualified_masks';
export const INCLUDED_EVENTS = 'included_events';

const indexColumns = (alias: string) => INDEX_COLUMNS.map((c) => sel(col(`${alias}.${c}`), c));

/** Person ordinal: earliest first (Last: latest first), ties to the lower event id. */
function ordinal(alias: string, limit: LimitType, idColumn = 'event_id'): Expr {
  const start = col(`${alias}.start_date`);
  return over(
    fn('row_number'),
    [col(`${alias}.person_id`)],
    [limit === 'Last' ? desc(start) : asc(start), asc(col(`${alias}.${idColumn}`))],
  );
}

/** Rows of `numbered` (which has an `ordinal`) that are first for their person, or all of them. */
function keepFirst(numbered: QueryNode, limit: LimitType, alias: string): QueryNode {
  return select({
    select: indexColumns(alias),
    from: subquery(numbered, alias),
    where: limit === 'All' ? undefined : eq(col(`${alias}.ordinal`), lit(1)),
  });
}

function primaryEvents(ctx: CompileContext): QueryNode {
  const primary = ctx.expression.PrimaryCriteria;
  const limit = limitType(primary.PrimaryCriteriaLimit);
  const prior = primary.ObservationWindow?.PriorDays ?? 0;
  const post = primary.ObservationWindow?.PostDays ?? 0;
  const opStart = col('op.observation_period_start_date');
  const opEnd = col('op.observation_period_end_date');
  const start = col('e.start_date');
  const union = setOp(
    'union all',
    primary.CriteriaList.map((c, k) => criterionEvents(c, ctx, `PrimaryCriteria.CriteriaList[${k}]`)),
  );
  const numbered = select({
    select: [
      sel(col('e.person_id'), 'person_id'),
      sel(col('e.start_date'), 'start_date'),
      sel(col('e.end_date'), 'end_date'),
      sel(col('e.visit_occurrence_id'), 'visit_occurrence_id'),
      sel(opStart, 'op_start'),
      sel(opEnd, 'op_end'),
      // circe numbers a person's events itself: record ids of different domains may collide.
      sel(ordinal('e', limit), 'event_id'),
    ],
    from: subquery(union, 'e'),
    joins: [
      join(
        table('observation_period', 'op'),
        and(eq(col('op.person_id'), col('e.person_id')), gte(start, opStart), lte(start, opEnd))!,
      ),
    ],
    where: and(lte(dateAdd(opStart, int(prior)), start), lte(dateAdd(start, int(post)), opEnd)),
  });
  return select({
    select: indexColumns('p'),
    from: subquery(numbered, 'p'),
    where: limit === 'All' ? undefined : eq(col('p.event_id'), lit(1)),
  });
}

function qualifiedEvents(ctx: CompileContext): QueryNode {
  const additional = ctx.expression.AdditionalCriteria;
  // circe applies QualifiedLimit only when AdditionalCriteria is present.
  const limit = additional ? limitType(ctx.expression.QualifiedLimit) : 'All';
  const ac = additional ? groupQuery(additional, PRIMARY_EVENTS, ctx, 'AdditionalCriteria') : undefined;
  const filtered = select({
    select: [...indexColumns('pe'), ...(limit === 'All' ? [] : [sel(ordinal('pe', limit), 'ordinal')])],
    from: table(PRIMARY_EVENTS, 'pe'),
    joins: ac
      ? [join(subquery(ac, 'ac'), and(eq(col('ac.person_id'), col('pe.person_id')), eq(col('ac.event_id'), col('pe.event_id')))!)]
      : [],
  });
  return limit === 'All' ? filtered : keepFirst(filtered, limit, 'qe');
}

/** (inclusion_rule_id, rule_bit, person_id, event_id) for every rule an event satisfies. */
function inclusionEvents(ctx: CompileContext): QueryNode {
  const rules = ctx.expression.InclusionRules ?? [];
  return setOp(
    'union all',
    rules.map((rule, k) =>
      select({
        select: [
          sel(param(k, 'integer'), 'inclusion_rule_id'),
          sel(param(2 ** k, 'bigint'), 'rule_bit'),
          sel(col('r.person_id'), 'person_id'),
          sel(col('r.event_id'), 'event_id'),
        ],
        from: subquery(groupQuery(rule.expression, QUALIFIED_EVENTS, ctx, `InclusionRules[${k}].expression`), 'r'),
      }),
    ),
  );
}

/** Qualified events with their mask, number of rules met and lowest rule met (for the person statistics). */
function qualifiedMasks(): QueryNode {
  const keys = INDEX_COLUMNS.map((c) => col(`q.${c}`));
  return select({
    select: [
      ...indexColumns('q'),
      // PostgreSQL sums bigints as numeric, which has no bitwise AND: keep the mask a bigint.
      sel(cast(fn('coalesce', [fn('sum', [col('ie.rule_bit')]), lit(0)]), 'bigint'), 'inclusion_rule_mask'),
      sel(fn('count', [col('ie.inclusion_rule_id')], { distinct: true }), 'rule_count'),
      sel(fn('coalesce', [fn('min', [col('ie.inclusion_rule_id')]), lit(0)]), 'min_rule_id'),
    ],
    from: table(QUALIFIED_EVENTS, 'q'),
    joins: [
      join(
        table(INCLUSION_EVENTS, 'ie'),
        and(eq(col('ie.person_id'), col('q.person_id')), eq(col('ie.event_id'), col('q.event_id')))!,
        'left',
      ),
    ],
    groupBy: keys,
  });
}

function includedEvents(ctx: CompileContext, ruleCount: number): QueryNode {
  const limit = limitType(ctx.expression.ExpressionLimit);
  const source = ruleCount > 0 ? QUALIFIED_MASKS : QUALIFIED_EVENTS;
  const all = ruleCount > 0 ? eq(col('q.inclusion_rule_mask'), param(2 ** ruleCount - 1, 'bigint')) : undefined;
  const passing = select({
    select: [...indexColumns('q'), ...(limit === 'All' ? [] : [sel(ordinal('q', limit), 'ordinal')])],
    from: table(source, 'q'),
    where: all,
  });
  return limit === 'All' ? passing : keepFirst(passing, limit, 'ie');
}

/** The entry-event stages, in order; the last is INCLUDED_EVENTS. */
export function entryEventStages(ctx: CompileContext): CteNode[] {
  const ruleCount = (ctx.expression.InclusionRules ?? []).length;
  const stages = [cte(PRIMARY_EVENTS, primaryEvents(ctx)), cte(QUALIFIED_EVENTS, qualifiedEvents(ctx))];
  if (ruleCount > 0) stages.push(cte(INCLUSION_EVENTS, inclusionEvents(ctx)), cte(QUALIFIED_MASKS, qualifiedMasks()));
  stages.push(cte(INCLUDED_EVENTS, includedEvents(ctx, ruleCount)));
  return stages;
}
