/**
 * The cohort's entry events, stage by stage as circe-be builds them:
 *   primary_events   every criterion's events starting in an observation period that satisfies the
 *                    ObservationWindow; event_id is the person's ordinal (circe's own numbering);
 *                    PrimaryCriteriaLimit First/Last keeps one per person
 *   qualified_events those satisfying AdditionalCriteria; QualifiedLimit (only with AdditionalCriteria)
 *   qualified_masks  each qualified event with its inclusion_rule_mask (bit i = rule i)
 *   included_events  qualified events satisfying every rule; ExpressionLimit
 * All have columns person_id, event_id, start_date, end_date, visit_occurrence_id, op_start, op_end.
 */
import {
  and,
  asc,
  bin,
  caseWhen,
  cast,
  col,
  cte,
  dateAdd,
  desc,
  eq,
  fn,
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
import { groupCondition } from './group.js';
import { INDEX_COLUMNS } from './index-events.js';
import { limitType } from './limits.js';
import type { LimitType } from './types.js';

export const PRIMARY_EVENTS = 'primary_events';
export const QUALIFIED_EVENTS = 'qualified_events';
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
        // Inside the period with PriorDays before and PostDays after (both ≥ 0), as one pair of
        // bounds: repeating the plain bounds too made PostgreSQL misjudge the join's size.
        and(
          eq(col('op.person_id'), col('e.person_id')),
          lte(prior === 0 ? opStart : dateAdd(opStart, int(prior)), start),
          lte(post === 0 ? start : dateAdd(start, int(post)), opEnd),
        )!,
      ),
    ],
  });
  return select({
    select: indexColumns('p'),
    from: subquery(numbered, 'p'),
    where: limit === 'All' ? undefined : eq(col('p.event_id'), lit(1)),
  });
}

function qualifiedEvents(ctx: CompileContext): QueryNode {
  const additional = ctx.expression.AdditionalCriteria;
  // circe applies QualifiedLimit only when AdditionalCriteria is present (even an empty group).
  const limit = additional ? limitType(ctx.expression.QualifiedLimit) : 'All';
  const filtered = select({
    select: [...indexColumns('pe'), ...(limit === 'All' ? [] : [sel(ordinal('pe', limit), 'ordinal')])],
    from: table(PRIMARY_EVENTS, 'pe'),
    where: additional ? groupCondition(additional, 'pe', ctx, 'AdditionalCriteria') : undefined,
  });
  return limit === 'All' ? filtered : keepFirst(filtered, limit, 'qe');
}

/**
 * Qualified events with their inclusion_rule_mask: bit k set when rule k holds. Each rule's
 * condition appears once: PostgreSQL flattens subqueries, so a rule column read three times
 * above would run its EXISTS three times per event.
 */
function qualifiedMasks(ctx: CompileContext): QueryNode {
  const rules = ctx.expression.InclusionRules ?? [];
  const bits = rules.map((rule, k) => {
    const holds = groupCondition(rule.expression, 'q', ctx, `InclusionRules[${k}].expression`);
    return holds ? caseWhen([[holds, lit(2 ** k)]], lit(0)) : lit(2 ** k);
  });
  return select({
    select: [
      ...indexColumns('q'),
      sel(
        cast(
          bits.reduce((acc, b) => bin('+', acc, b)),
          'bigint',
        ),
        'inclusion_rule_mask',
      ),
    ],
    from: table(QUALIFIED_EVENTS, 'q'),
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
  if (ruleCount > 0) stages.push(cte(QUALIFIED_MASKS, qualifiedMasks(ctx)));
  stages.push(cte(INCLUDED_EVENTS, includedEvents(ctx, ruleCount)));
  return stages;
}
