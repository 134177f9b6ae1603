/**
 * A Circe criteria group as a condition on one index event (the row alias `i`, with columns
 * person_id, event_id, start_date, end_date, visit_occurrence_id, op_start, op_end). Members are
 * correlated criteria, demographic criteria and sub-groups, each itself a condition; ALL needs
 * every member, ANY one, AT_LEAST n at least n, AT_MOST n at most n (zero passes). A group with no
 * members holds for every index event (no condition).
 *
 * Conditions rather than joins: "at least one" and "none" become EXISTS / NOT EXISTS, which both
 * engines run as (index-assisted) semi- and anti-joins, and an index event is never multiplied by
 * its matches, so no GROUP BY is needed to undo that.
 */
import { and, bin, caseWhen, col, eq, exists, fn, lit, or, param, scalar, select, sel, subquery, table } from '../sql/build.js';
import type { Expr } from '../sql/nodes.js';
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

/** Exactly / at most / at least Count events of the criterion in the windows around index `i`. */
function correlatedCondition(cc: CorrelatedCriterion, i: string, ctx: CompileContext, path: string): Expr | undefined {
  const occurrence = cc.Occurrence ?? { Type: 2, Count: 1 };
  const op = OCCURRENCE_OPS[occurrence.Type];
  if (!op) throw new CohortCompileError(`${path}.Occurrence.Type`, 'must be 0 (exactly), 1 (at most) or 2 (at least)');
  const count = occurrence.Count ?? 0;
  if (op === '>=' && count <= 0) return undefined; // "at least 0" always holds
  const a = ctx.alias('a');
  const matches = and(
    eq(col(`${a}.person_id`), col(`${i}.person_id`)),
    ...(cc.IgnoreObservationPeriod === true
      ? []
      : [bin('>=', col(`${a}.start_date`), col(`${i}.op_start`)), bin('<=', col(`${a}.start_date`), col(`${i}.op_end`))]),
    ...windowConditions(cc.StartWindow, cc.EndWindow, a, i, path),
    ...(cc.RestrictVisit === true ? [eq(col(`${a}.visit_occurrence_id`), col(`${i}.visit_occurrence_id`))] : []),
  );
  const events = subquery(criterionEvents(cc.Criteria, ctx, `${path}.Criteria`), a);
  const distinct = occurrence.IsDistinct === true;
  if (!distinct && op === '>=' && count === 1) return exists(select({ select: [lit(1)], from: events, where: matches }));
  if (!distinct && count === 0) return exists(select({ select: [lit(1)], from: events, where: matches }), true);

  const column = distinct ? (DISTINCT_COLUMNS[occurrence.CountColumn ?? 'DOMAIN_CONCEPT'] ?? 'concept_id') : 'event_id';
  const counted = fn('count', [col(`${a}.${column}`)], { distinct });
  const n = select({ select: [sel(counted, 'n')], from: events, where: matches });
  return bin(op, scalar(n), param(count, 'integer'));
}

/** The index event's person and dates satisfy the demographic criteria. */
function demographicCondition(dc: DemographicCriteria, i: string, path: string): Expr | undefined {
  const conditions: Expr[] = [];
  let needsPerson = false;
  for (const [name, value] of Object.entries(dc)) {
    const attribute = DEMOGRAPHIC_ATTRIBUTES[name];
    if (!attribute) continue;
    const condition = attributeCondition(name, attribute, value, i, dc, `${path}.${name}`);
    if (!condition) continue;
    conditions.push(condition);
    needsPerson ||= attribute.subject?.kind === 'joined' || attribute.subject?.kind === 'age';
  }
  if (conditions.length === 0) return undefined;
  if (!needsPerson) return and(...conditions);
  // Person attributes read `p`; one EXISTS on the person keeps the index row unmultiplied.
  return exists(
    select({
      select: [lit(1)],
      from: table('person', 'p'),
      where: and(eq(col('p.person_id'), col(`${i}.person_id`)), ...conditions),
    }),
  );
}

/** The group's condition on index row `i`; undefined when it holds for every index event. */
export function groupCondition(group: CriteriaGroup, i: string, ctx: CompileContext, path: string): Expr | undefined {
  if (isEmptyGroup(group)) return undefined;
  // A member without a condition always holds.
  const members: Array<Expr | undefined> = [
    ...list(group.CriteriaList).map((cc, k) => correlatedCondition(cc, i, ctx, `${path}.CriteriaList[${k}]`)),
    ...list(group.DemographicCriteriaList).map((dc, k) => demographicCondition(dc, i, `${path}.DemographicCriteriaList[${k}]`)),
    ...list(group.Groups).map((g, k) => groupCondition(g, i, ctx, `${path}.Groups[${k}]`)),
  ];
  const always = members.filter((m) => m === undefined).length;
  const conditional = members.filter((m): m is Expr => m !== undefined);
  const type = (group.Type ?? 'ALL').toUpperCase();
  const n = group.Count ?? 0;
  switch (type) {
    case 'ALL':
      return and(...conditional);
    case 'ANY':
      return always > 0 ? undefined : or(...conditional);
    case 'AT_LEAST':
    case 'AT_MOST': {
      const held = conditional.reduce<Expr>((sum, c) => bin('+', sum, caseWhen([[c, lit(1)]], lit(0))), lit(always));
      return bin(type === 'AT_LEAST' ? '>=' : '<=', held, param(n, 'integer'));
    }
    default:
      throw new CohortCompileError(`${path}.Type`, `group type "${group.Type}" is not ALL, ANY, AT_LEAST or AT_MOST`);
  }
}
