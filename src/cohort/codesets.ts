/**
 * Concept sets resolved as circe-be resolves them: the listed concepts, plus their descendants when
 * asked, plus source concepts that map to them when asked, minus the excluded ones (resolved the
 * same way).
 */
import type { ConceptSet, ConceptSetItem } from '../plan/types.js';
import { and, col, eq, inList, inQuery, int, isNull, lit, select, setOp, table } from '../sql/build.js';
import type { QueryNode } from '../sql/nodes.js';

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

/**
 * The concept ids a concept set stands for, as a query for `concept_id IN (...)`. Each criterion
 * inlines its set rather than reading a shared codesets CTE: the SQL stays one level flatter and
 * needs no codeset-id parameter (timings on DuckDB showed no clear difference either way).
 */
export function conceptSetConcepts(set: ConceptSet): QueryNode {
  const items = set.expression.items;
  const included = withMapped(items.filter((i) => !i.isExcluded));
  const excluded = withMapped(items.filter((i) => i.isExcluded));
  if (!included) {
    // An empty concept set matches nothing.
    return select({ select: [col('c.concept_id')], from: table('concept', 'c'), where: eq(lit(1), lit(0)) });
  }
  return excluded ? setOp('except', [included, excluded]) : included;
}
