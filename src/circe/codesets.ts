/**
 * The `codesets` stage: (codeset_id, concept_id) for every concept set the expression uses,
 * resolved as circe-be resolves them — listed concepts, plus valid descendants when asked, minus
 * excluded ones (resolved the same way), plus source concepts that map ('Maps to') to the
 * included ones when asked, minus those mapping to excluded ones.
 */
import {
  and,
  col,
  cte,
  eq,
  inList,
  inQuery,
  int,
  isNull,
  join,
  lit,
  param,
  select,
  sel,
  setOp,
  subquery,
  table,
} from '../sql/build.js';
import type { CteNode, QueryNode } from '../sql/nodes.js';
import type { ConceptSet, ConceptSetItem } from './types.js';

export const CODESETS = 'codesets';

const ids = (items: ConceptSetItem[]) => items.map((i) => int(i.concept.CONCEPT_ID));

/** Concepts an item list stands for, before mapping. */
function resolved(items: ConceptSetItem[]): QueryNode | undefined {
  if (items.length === 0) return undefined;
  const parts: QueryNode[] = [
    select({
      select: [sel(col('c.concept_id'), 'concept_id')],
      from: table('concept', 'c'),
      where: inList(col('c.concept_id'), ids(items)),
    }),
  ];
  const withDescendants = items.filter((i) => i.includeDescendants);
  if (withDescendants.length > 0) {
    parts.push(
      select({
        select: [sel(col('c.concept_id'), 'concept_id')],
        from: table('concept', 'c'),
        joins: [
          join(
            table('concept_ancestor', 'ca'),
            and(
              eq(col('c.concept_id'), col('ca.descendant_concept_id')),
              inList(col('ca.ancestor_concept_id'), ids(withDescendants)),
            )!,
          ),
        ],
        // circe keeps only valid descendants; a listed concept counts even if invalid.
        where: isNull(col('c.invalid_reason')),
      }),
    );
  }
  return setOp('union', parts);
}

/** Source concepts mapping to `targets`. */
function mappedTo(targets: QueryNode): QueryNode {
  return select({
    select: [sel(col('cr.concept_id_1'), 'concept_id')],
    from: table('concept_relationship', 'cr'),
    where: and(
      eq(col('cr.relationship_id'), lit('Maps to')),
      isNull(col('cr.invalid_reason')),
      inQuery(col('cr.concept_id_2'), targets),
    ),
  });
}

function minus(included: QueryNode, excluded: QueryNode | undefined): QueryNode {
  return excluded ? setOp('except', [included, excluded]) : included;
}

/** The concept ids a concept set stands for. */
export function conceptSetQuery(set: ConceptSet): QueryNode {
  const items = set.expression?.items ?? [];
  const included = items.filter((i) => !i.isExcluded);
  const excluded = items.filter((i) => i.isExcluded);
  const base = resolved(included);
  if (!base)
    return select({ select: [sel(col('c.concept_id'), 'concept_id')], from: table('concept', 'c'), where: eq(lit(1), lit(0)) });
  const standard = minus(base, resolved(excluded));
  const mappedIncluded = included.filter((i) => i.includeMapped);
  if (mappedIncluded.length === 0) return standard;
  const mappedExcluded = excluded.filter((i) => i.includeMapped);
  const mapped = minus(
    mappedTo(resolved(mappedIncluded)!),
    mappedExcluded.length ? mappedTo(resolved(mappedExcluded)!) : undefined,
  );
  return setOp('union', [standard, mapped]);
}

/** The codesets stage for the concept sets with these ids (in the order given). */
export function codesetsStage(sets: ConceptSet[], used: ReadonlySet<number>): CteNode {
  const parts = sets
    .filter((s) => used.has(s.id))
    .map((s) =>
      select({
        select: [sel(param(s.id, 'integer'), 'codeset_id'), sel(col('s.concept_id'), 'concept_id')],
        from: subquery(conceptSetQuery(s), 's'),
      }),
    );
  const empty = select({
    select: [sel(lit(-1), 'codeset_id'), sel(col('c.concept_id'), 'concept_id')],
    from: table('concept', 'c'),
    where: eq(lit(1), lit(0)),
  });
  return cte(CODESETS, parts.length === 0 ? empty : setOp('union all', parts));
}

/** `concept_id IN codeset n`, as a query for inQuery. */
export function codesetMembers(codesetId: number): QueryNode {
  return select({
    select: [col('cs.concept_id')],
    from: table(CODESETS, 'cs'),
    where: eq(col('cs.codeset_id'), param(codesetId, 'integer')),
  });
}
