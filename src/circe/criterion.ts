/**
 * One Circe criterion → the query of its events:
 *   (person_id, event_id, start_date, end_date, visit_occurrence_id, concept_id)
 * following circe-be: the codeset (and source-concept codeset) filter first, then `First` (the
 * person's earliest such record, ties to the lowest id), then every other attribute; a nested
 * CorrelatedCriteria group keeps only the events it holds for, each event being its own index.
 */
import {
  and,
  asc,
  bin,
  cast,
  col,
  dateAdd,
  eq,
  fn,
  inQuery,
  int,
  join,
  lit,
  over,
  param,
  select,
  sel,
  subquery,
  table,
} from '../sql/build.js';
import type { Expr, JoinNode, QueryNode } from '../sql/nodes.js';
import { abnormalCondition, attributeCondition, subjectColumns, subjectJoins } from './attribute-filters.js';
import { codesetMembers } from './codesets.js';
import { CohortCompileError, type CompileContext } from './context.js';
import { DOMAINS, type DomainTable, type EndRule, type JoinName } from './domains.js';
import { groupCondition, isEmptyGroup } from './group.js';
import { withObservationPeriod } from './index-events.js';
import type { CriteriaGroup, Criterion, CriterionDomain, DateAdjustment, DomainCriteria, Period } from './types.js';

/** Columns of every criterion's event query, in order. */
export const EVENT_COLUMNS = ['person_id', 'event_id', 'start_date', 'end_date', 'visit_occurrence_id', 'concept_id'] as const;

export function criterionDomain(criterion: Criterion): CriterionDomain {
  const keys = Object.keys(criterion);
  if (keys.length !== 1 || !(keys[0] in DOMAINS))
    throw new CohortCompileError('criterion', `not a criterion: ${keys.join(', ')}`);
  return keys[0] as CriterionDomain;
}

export function criterionAttributes(criterion: Criterion): DomainCriteria {
  return (criterion as Record<string, DomainCriteria>)[criterionDomain(criterion)] ?? {};
}

const present = (v: unknown) => v !== undefined && v !== null;

function endExpr(rule: EndRule, t: DomainTable): Expr {
  const start = col(`r.${t.startColumn}`);
  switch (rule.kind) {
    case 'column':
      return col(`r.${rule.column}`);
    case 'nextDay':
      return dateAdd(start, lit(1));
    case 'coalesce':
      return fn('coalesce', [
        col(`r.${rule.column}`),
        ...(rule.daysSupply ? [dateAdd(start, col(`r.${rule.daysSupply}`))] : []),
        dateAdd(start, lit(1)),
      ]);
  }
}

function endColumns(rule: EndRule): string[] {
  if (rule.kind === 'nextDay') return [];
  return rule.kind === 'coalesce' && rule.daysSupply ? [rule.column, rule.daysSupply] : [rule.column];
}

/** Codeset filters circe applies on the table itself, before `First` picks a record. */
function codesetFilters(t: DomainTable, attrs: DomainCriteria, path: string): Expr[] {
  const filters: Expr[] = [];
  if (present(attrs.CodesetId)) {
    if (!t.conceptColumn) throw new CohortCompileError(path, 'this domain has no concept to match a CodesetId against');
    filters.push(inQuery(col(`d.${t.conceptColumn}`), codesetMembers(attrs.CodesetId as number)));
  }
  for (const [name, attribute] of Object.entries(t.attributes)) {
    if (attribute.kind !== 'codeset' || name === 'CodesetId' || !present(attrs[name])) continue;
    filters.push(inQuery(col(`d.${(attribute.subject as { column: string }).column}`), codesetMembers(attrs[name] as number)));
  }
  return filters;
}

function joinFor(name: JoinName, t: DomainTable): JoinNode {
  switch (name) {
    case 'person':
      return join(table('person', 'p'), eq(col('p.person_id'), col('r.person_id')));
    case 'provider':
      return join(table('provider', 'pr'), eq(col('pr.provider_id'), col('r.provider_id')));
    case 'visit':
      return join(
        table('visit_occurrence', 'v'),
        eq(col('v.visit_occurrence_id'), col(`r.${t.visitColumn ?? 'visit_occurrence_id'}`)),
      );
    case 'careSite':
      return join(
        table('care_site', 'cs'),
        eq(col('cs.care_site_id'), col(rowHasCareSite(t) ? 'r.care_site_id' : 'v.care_site_id')),
      );
  }
}

const rowHasCareSite = (t: DomainTable) => t.table === 'visit_occurrence' || t.table === 'visit_detail';

/** The columns every criterion of a domain reads from its row. */
export function baseColumns(t: DomainTable): string[] {
  const columns = new Set<string>(['person_id', t.idColumn, t.startColumn, ...endColumns(t.end)]);
  if (t.conceptColumn) columns.add(t.conceptColumn);
  if (t.visitColumn) columns.add(t.visitColumn);
  return [...columns];
}

/** The row's own columns a join goes through (a visit goes through visitColumn, read anyway). */
export function joinKeyColumns(t: DomainTable, name: JoinName): string[] {
  if (name === 'provider') return ['provider_id'];
  if (name === 'careSite' && rowHasCareSite(t)) return ['care_site_id'];
  return [];
}

function adjusted(which: 'start' | 'end', adjustment: DateAdjustment | null | undefined, start: Expr, end: Expr): Expr {
  if (!adjustment) return which === 'start' ? start : end;
  const withField = which === 'start' ? adjustment.StartWith : adjustment.EndWith;
  const offset = (which === 'start' ? adjustment.StartOffset : adjustment.EndOffset) ?? 0;
  const base = (withField ?? (which === 'start' ? 'START_DATE' : 'END_DATE')) === 'END_DATE' ? end : start;
  return offset === 0 ? base : dateAdd(base, int(offset));
}

/** The criterion's events, before any nested CorrelatedCriteria. */
function plainEvents(domain: CriterionDomain, attrs: DomainCriteria, path: string): QueryNode {
  const t = DOMAINS[domain];
  const needed = new Set<string>(baseColumns(t));
  const joins = new Set<JoinName>();
  const conditions: Expr[] = [];

  for (const [name, value] of Object.entries(attrs)) {
    const attribute = t.attributes[name];
    if (!attribute || !present(value)) continue;
    if (attribute.kind === 'codeset') continue; // applied inside, before First
    const condition = attributeCondition(name, attribute, value, 'r', attrs, `${path}.${name}`);
    if (!condition) continue;
    conditions.push(condition);
    if (attribute.subject) {
      subjectColumns(attribute.subject).forEach((c) => needed.add(c));
      subjectJoins(attribute.subject).forEach((j) => joins.add(j));
    }
  }
  if (attrs.Abnormal === true) {
    conditions.push(abnormalCondition('r'));
    ['value_as_number', 'range_low', 'range_high', 'value_as_concept_id'].forEach((c) => needed.add(c));
  }
  for (const j of joins) joinKeyColumns(t, j).forEach((c) => needed.add(c));
  if (joins.has('careSite') && rowHasCareSite(t)) joins.delete('visit');

  // UserDefinedPeriod replaces the period's dates with the researcher's, which must lie inside it.
  const period = attrs.UserDefinedPeriod as Period | null | undefined;
  const periodStart = col(`r.${t.startColumn}`);
  const periodEnd = endExpr(t.end, t);
  let start: Expr = periodStart;
  let end: Expr = periodEnd;
  for (const [field, which] of [
    ['StartDate', 'start'],
    ['EndDate', 'end'],
  ] as const) {
    const date = period?.[field];
    if (date === undefined || date === null) continue;
    const d = param(date, 'date');
    conditions.push(and(bin('<=', periodStart, d), bin('>=', periodEnd, d))!);
    if (which === 'start') start = d;
    else end = d;
  }

  const adjustment = attrs.DateAdjustment as DateAdjustment | null | undefined;
  const inner = select({
    select: [
      ...[...needed].map((c) => sel(col(`d.${c}`), c)),
      ...(attrs.First === true
        ? [
            sel(
              over(fn('row_number'), [col('d.person_id')], [asc(col(`d.${t.startColumn}`)), asc(col(`d.${t.idColumn}`))]),
              'ordinal',
            ),
          ]
        : []),
    ],
    from: table(t.table, 'd'),
    where: and(...codesetFilters(t, attrs, path)),
  });

  return select({
    select: [
      sel(col('r.person_id'), 'person_id'),
      sel(cast(col(`r.${t.idColumn}`), 'bigint'), 'event_id'),
      sel(adjusted('start', adjustment, start, end), 'start_date'),
      sel(adjusted('end', adjustment, start, end), 'end_date'),
      sel(t.visitColumn ? cast(col(`r.${t.visitColumn}`), 'bigint') : cast(lit(null), 'bigint'), 'visit_occurrence_id'),
      sel(t.conceptColumn ? cast(col(`r.${t.conceptColumn}`), 'bigint') : cast(lit(null), 'bigint'), 'concept_id'),
    ],
    from: subquery(inner, 'r'),
    joins: (['person', 'provider', 'visit', 'careSite'] as JoinName[]).filter((j) => joins.has(j)).map((j) => joinFor(j, t)),
    where: and(attrs.First === true ? eq(col('r.ordinal'), lit(1)) : undefined, ...conditions),
  });
}

export function criterionEvents(criterion: Criterion, ctx: CompileContext, path: string): QueryNode {
  const domain = criterionDomain(criterion);
  const attrs = criterionAttributes(criterion);
  const events = plainEvents(domain, attrs, `${path}.${domain}`);
  const nested = attrs.CorrelatedCriteria as CriteriaGroup | null | undefined;
  if (!nested || isEmptyGroup(nested)) return events;

  // Each event is the index of its own nested group, with the observation period it starts in.
  const idx = ctx.alias('idx');
  return select({
    select: EVENT_COLUMNS.map((c) => sel(col(`${idx}.${c}`), c)),
    from: subquery(withObservationPeriod(events), idx),
    where: groupCondition(nested, idx, ctx, `${path}.${domain}.CorrelatedCriteria`),
  });
}
