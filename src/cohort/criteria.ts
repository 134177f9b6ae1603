/**
 * One primary criterion → a query yielding (person_id, event_id, start_date, end_date) for every
 * matching record, following circe-be: the codeset filter first, then `First` (the person's
 * earliest matching record, ties to the lowest id), then the other attribute filters.
 */
import type { ConceptSet, Criterion, CriterionDomain, DomainCriteria } from '../plan/types.js';
import {
  and,
  asc,
  bin,
  col,
  dateAdd,
  eq,
  fn,
  inList,
  inQuery,
  int,
  join,
  lit,
  over,
  select,
  sel,
  subquery,
  table,
  yearOf,
} from '../sql/build.js';
import type { Expr, QueryNode } from '../sql/nodes.js';
import { conceptSetConcepts } from './codesets.js';
import { DOMAIN_TABLES } from './domains.js';
import { dateRange, numericRange } from './ranges.js';

export function criterionDomain(criterion: Criterion): CriterionDomain {
  return Object.keys(criterion)[0] as CriterionDomain;
}

export function criterionAttributes(criterion: Criterion): DomainCriteria {
  return (criterion as Record<string, DomainCriteria>)[criterionDomain(criterion)];
}

function endDate(domain: CriterionDomain): Expr {
  const t = DOMAIN_TABLES[domain];
  const start = col(`r.${t.startColumn}`);
  const fallbacks: Expr[] = [];
  if (t.endColumn) fallbacks.push(col(`r.${t.endColumn}`));
  if (t.daysSupplyColumn) fallbacks.push(dateAdd(start, col(`r.${t.daysSupplyColumn}`)));
  fallbacks.push(dateAdd(start, lit(1)));
  return fallbacks.length === 1 ? fallbacks[0] : fn('coalesce', fallbacks);
}

export function criterionQuery(criterion: Criterion, conceptSets: ConceptSet[]): QueryNode {
  const domain = criterionDomain(criterion);
  const attrs = criterionAttributes(criterion);
  const t = DOMAIN_TABLES[domain];

  const conceptSet = attrs.CodesetId === undefined ? undefined : conceptSets.find((c) => c.id === attrs.CodesetId);
  // The validator guarantees the reference; a bypass must not silently mean "every concept".
  if (attrs.CodesetId !== undefined && !conceptSet) throw new Error(`CodesetId ${attrs.CodesetId} has no concept set`);
  const codesetFilter = conceptSet ? inQuery(col(`d.${t.conceptColumn}`), conceptSetConcepts(conceptSet)) : undefined;

  // The inner query narrows by codeset and numbers each person's records so `First` can pick one.
  const inner = select({
    select: [
      sel(col('d.person_id'), 'person_id'),
      sel(col(`d.${t.idColumn}`), t.idColumn),
      sel(col(`d.${t.conceptColumn}`), t.conceptColumn),
      sel(col(`d.${t.startColumn}`), t.startColumn),
      ...(t.endColumn ? [sel(col(`d.${t.endColumn}`), t.endColumn)] : []),
      ...(t.daysSupplyColumn ? [sel(col(`d.${t.daysSupplyColumn}`), t.daysSupplyColumn)] : []),
      ...(t.valueColumn ? [sel(col(`d.${t.valueColumn}`), t.valueColumn)] : []),
      // Numbering every record costs a sort, so only when `First` needs it.
      ...(attrs.First
        ? [
            sel(
              over(fn('row_number'), [col('d.person_id')], [asc(col(`d.${t.startColumn}`)), asc(col(`d.${t.idColumn}`))]),
              'ordinal',
            ),
          ]
        : []),
    ],
    from: table(t.table, 'd'),
    where: codesetFilter,
  });

  const start = col(`r.${t.startColumn}`);
  const needsPerson = attrs.Age !== undefined || (attrs.Gender !== undefined && attrs.Gender.length > 0);
  const conditions: Array<Expr | undefined> = [
    attrs.First ? eq(col('r.ordinal'), lit(1)) : undefined,
    attrs.OccurrenceStartDate ? dateRange(start, attrs.OccurrenceStartDate) : undefined,
    attrs.ValueAsNumber && t.valueColumn ? numericRange(col(`r.${t.valueColumn}`), attrs.ValueAsNumber) : undefined,
    // circe's age at an event is the difference of calendar years.
    attrs.Age ? numericRange(bin('-', yearOf(start), col('p.year_of_birth')), attrs.Age, 'integer') : undefined,
    attrs.Gender && attrs.Gender.length > 0
      ? inList(
          col('p.gender_concept_id'),
          attrs.Gender.map((g) => int(g.CONCEPT_ID)),
        )
      : undefined,
  ];

  return select({
    select: [
      sel(col('r.person_id'), 'person_id'),
      sel(col(`r.${t.idColumn}`), 'event_id'),
      sel(start, 'start_date'),
      sel(endDate(domain), 'end_date'),
    ],
    from: subquery(inner, 'r'),
    joins: needsPerson ? [join(table('person', 'p'), eq(col('p.person_id'), col('r.person_id')))] : [],
    where: and(...conditions),
  });
}
