/**
 * A Circe criteria group, evaluated against a table of index events, → the (person_id, event_id)
 * of the index events for which it holds. Members are correlated criteria, demographic criteria
 * and sub-groups; ALL needs every member, ANY one, AT_LEAST n at least n, AT_MOST n at most n
 * (zero passes). A group with no members holds for every index event.
 */
import { and, bin, col, eq, fn, join, lit, param, select, sel, setOp, subquery, table } from '../sql/build.js';
import type { Expr, QueryNode } from '../sql/nodes.js';
import { attributeCondition } from './attribute-filters.js';
import { CohortCompileError, type CompileContext } from './context.js';
import { criterionEvents } from './criterion.js';
import { DEMOGRAPHIC_ATTRIBUTES } from './domains.js';
import type { CorrelatedCriterion, CriteriaGroup, DemographicCriteria } from './types.js';
import { windowConditions } from './windows.js';

const list = <T>(v: T[] | null | undefined): T[] => v ?? [];

/** circe-be's CriteriaGroup.isEmpty. */
export function isEmptyGroup(group: CriteriaGroup): boolean {
  return (
    list(group.CriteriaList).length === 0 && list(group.DemographicCriteriaList).length === 0 && list(group.Groups).length === 0
  );
}

const OCCURRENCE_OPS: Record<number, '=' | '<=' | '>='> = { 0: '=', 1: '<=', 2: '>=' };

const DISTINCT_COLUMNS: Record<string, string> = {
  DOMAIN_CONCEPT: 'concept_id',
  START_DATE: 'start_date',
  VISIT_ID: 'visit_occurrence_id',
};

/** Index events with at least / at most / exactly Count matching events in the windows. */
function correlatedQuery(cc: CorrelatedCriterion, index: string, ctx: CompileContext, path: string): QueryNode {
  const occurrence = cc.Occurrence ?? { Type: 2, Count: 1 };
  const op = OCCURRENCE_OPS[occurrence.Type];
  if (!op) throw new CohortCompileError(`${path}.Occurrence.Type`, 'must be 0 (exactly), 1 (at most) or 2 (at least)');
  const count = occurrence.Count ?? 0;
  const a = ctx.alias('a');
  const i = ctx.alias('i');
  const on = and(
    eq(col(`${a}.person_id`), col(`${i}.person_id`)),
    ...(cc.IgnoreObservationPeriod === true
      ? []
      : [bin('>=', col(`${a}.start_date`), col(`${i}.op_start`)), bin('<=', col(`${a}.start_date`), col(`${i}.op_end`))]),
    ...windowConditions(cc.StartWindow, cc.EndWindow, a, i, path),
    ...(cc.RestrictVisit === true ? [eq(col(`${a}.visit_occurrence_id`), col(`${i}.visit_occurrence_id`))] : []),
  )!;
  const distinctColumn =
    occurrence.IsDistinct === true ? (DISTINCT_COLUMNS[occurrence.CountColumn ?? 'DOMAIN_CONCEPT'] ?? 'concept_id') : undefined;
  const counted = distinctColumn
    ? fn('count', [col(`${a}.${distinctColumn}`)], { distinct: true })
    : fn('count', [col(`${a}.event_id`)]);
  // "At least n ≥ 1" needs a match, so an inner join; "exactly" and "at most" must see zero matches too.
  const needsZero = op !== '>=' || count <= 0;
  return select({
    select: [sel(col(`${i}.person_id`), 'person_id'), sel(col(`${i}.event_id`), 'event_id')],
    from: table(index, i),
    joins: [join(subquery(criterionEvents(cc.Criteria, ctx, `${path}.Criteria`), a), on, needsZero ? 'left' : 'inner')],
    groupBy: [col(`${i}.person_id`), col(`${i}.event_id`)],
    having: bin(op, counted, param(count, 'integer')),
  });
}

/** Index events whose person and dates satisfy the demographic criteria. */
function demographicQuery(dc: DemographicCriteria, index: string, ctx: CompileContext, path: string): QueryNode {
  const i = ctx.alias('i');
  const conditions: Expr[] = [];
  for (const [name, value] of Object.entries(dc)) {
    const attribute = DEMOGRAPHIC_ATTRIBUTES[name];
    if (!attribute) continue;
    const condition = attributeCondition(name, attribute, value, i, dc, `${path}.${name}`);
    if (condition) conditions.push(condition);
  }
  return select({
    select: [sel(col(`${i}.person_id`), 'person_id'), sel(col(`${i}.event_id`), 'event_id')],
    from: table(index, i),
    joins: [join(table('person', 'p'), eq(col('p.person_id'), col(`${i}.person_id`)))],
    where: and(...conditions),
  });
}

export function groupQuery(group: CriteriaGroup, index: string, ctx: CompileContext, path: string): QueryNode {
  const i = ctx.alias('i');
  const all = select({
    select: [sel(col(`${i}.person_id`), 'person_id'), sel(col(`${i}.event_id`), 'event_id')],
    from: table(index, i),
  });
  if (isEmptyGroup(group)) return all;

  const members: QueryNode[] = [
    ...list(group.CriteriaList).map((cc, k) => correlatedQuery(cc, index, ctx, `${path}.CriteriaList[${k}]`)),
    ...list(group.DemographicCriteriaList).map((dc, k) =>
      demographicQuery(dc, index, ctx, `${path}.DemographicCriteriaList[${k}]`),
    ),
    ...list(group.Groups).map((g, k) => groupQuery(g, index, ctx, `${path}.Groups[${k}]`)),
  ];
  const m = ctx.alias('m');
  const tagged = members.map((q, k) =>
    select({
      select: [sel(lit(k), 'member'), sel(col(`${m}.person_id`), 'person_id'), sel(col(`${m}.event_id`), 'event_id')],
      from: subquery(q, m),
    }),
  );

  const type = (group.Type ?? 'ALL').toUpperCase();
  const n = group.Count ?? 0;
  const cq = ctx.alias('cq');
  const held = fn('count', [col(`${cq}.member`)], { distinct: true });
  let having: Expr;
  switch (type) {
    case 'ALL':
      having = eq(held, lit(members.length));
      break;
    case 'ANY':
      having = bin('>', held, lit(0));
      break;
    case 'AT_LEAST':
      having = bin('>=', held, param(n, 'integer'));
      break;
    case 'AT_MOST':
      having = bin('<=', held, param(n, 'integer'));
      break;
    default:
      throw new CohortCompileError(`${path}.Type`, `group type "${group.Type}" is not ALL, ANY, AT_LEAST or AT_MOST`);
  }
  const needsZero = type === 'AT_MOST' || (type === 'AT_LEAST' && n <= 0);
  return select({
    select: [sel(col(`${i}.person_id`), 'person_id'), sel(col(`${i}.event_id`), 'event_id')],
    from: table(index, i),
    joins: [
      join(
        subquery(setOp('union all', tagged), cq),
        and(eq(col(`${cq}.person_id`), col(`${i}.person_id`)), eq(col(`${cq}.event_id`), col(`${i}.event_id`)))!,
        needsZero ? 'left' : 'inner',
      ),
    ],
    groupBy: [col(`${i}.person_id`), col(`${i}.event_id`)],
    having,
  });
}
