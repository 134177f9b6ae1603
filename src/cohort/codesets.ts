/**
 * Concept sets → one `codesets(codeset_id, concept_id)` CTE, as circe-be resolves them: the listed
 * concepts, plus their descendants when asked, plus source concepts that map to them when asked,
 * minus the excluded ones (resolved the same way).
 */
import type { ConceptSet, ConceptSetItem } from '../plan/types.js';
import { and, col, cte, eq, inList, inQuery, int, isNull, lit, select, setOp, table } from '../sql/build.js';
import type { CteNode, QueryNode } from '../sql/nodes.js';

export const CODESETS = 'codesets';

function conceptIds(items: ConceptSetItem[]) {
  return items.map((i) => int(i.concept.CONCEPT_ID));
}

/** Concepts an item list stands for, before mapping. */
function resolved(items: ConceptSetItem[]): QueryNode | undefined {
  if (items.length === 0) return undefined;
  const parts: QueryNode[] = [
    select({ select: [col('c.concept_id')], from: table('concept', 'c'), where: inList(col('c.concept_id'), conceptIds(items)) }),
  ];
  const withDescendants = items.filter((i) => i.includeDescendants);
  if (withDescendants.length > 0) {
    parts.push(
      select({
        select: [col('ca.descendant_concept_id')],
        from: table('concept_ancestor', 'ca'),
        where: inList(col('ca.ancestor_concept_id'), conceptIds(withDescendants)),
      }),
    );
  }
  return setOp('union', parts);
}

function withMapped(items: ConceptSetItem[]): QueryNode | undefined {
  const base = resolved(items);
  const mappedItems = items.filter((i) => i.includeMapped);
  if (!base || mappedItems.length === 0) return base;
  const mappedTargets = resolved(mappedItems)!;
  const mapped = select({
    select: [col('cr.concept_id_1')],
    from: table('concept_relationship', 'cr'),
    where: and(
      eq(col('cr.relationship_id'), lit('Maps to')),
      isNull(col('cr.invalid_reason')),
      inQuery(col('cr.concept_id_2'), mappedTargets),
    ),
  });
  return setOp('union', [base, mapped]);
}

function conceptSetQuery(set: ConceptSet): QueryNode {
  const items = set.expression.items;
  const included = withMapped(items.filter((i) => !i.isExcluded));
  const excluded = withMapped(items.filter((i) => i.isExcluded));
  const concepts = included
    ? excluded
      ? setOp('except', [included, excluded])
      : included
    : // An empty concept set matches nothing; keep the CTE's shape with a query that yields no rows.
      select({ select: [col('c.concept_id')], from: table('concept', 'c'), where: eq(lit(1), lit(0)) });
  return select({
    select: [
      { kind: 'selection', expr: int(set.id), alias: 'codeset_id' },
      { kind: 'selection', expr: col('s.concept_id'), alias: 'concept_id' },
    ],
    from: { kind: 'subquery', query: concepts, alias: 's' },
  });
}

/** The codesets CTE for the concept sets that criteria actually use; undefined when none are used. */
export function codesetsCte(sets: ConceptSet[], used: Set<number>): CteNode | undefined {
  const queries = sets.filter((s) => used.has(s.id)).map(conceptSetQuery);
  if (queries.length === 0) return undefined;
  return cte(CODESETS, setOp('union all', queries));
}
