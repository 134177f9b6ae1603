/**
 * A concept opened in the browser: its ancestors and descendants from concept_ancestor, with the
 * direct-parent edges among them (min_levels_of_separation = 1) so a client can draw the tree, and
 * its relationships from concept_relationship. Vocabulary tables only (no patient data); names come
 * from the in-memory index. Bounded: a concept near the top of SNOMED has 100k descendants, so the
 * nearest MAX_TREE are returned with the full count.
 */
import { and, asc, bin, col, countStar, eq, inList, isNull, param, select, sel, table } from '../sql/build.js';
import { compile, dialectByName } from '../sql/index.js';
import type { QueryNode } from '../sql/nodes.js';
import type { SiteDatabase } from './database.js';
import { toNumber } from './database.js';

export const MAX_TREE = 200;
export const MAX_RELATIONSHIPS = 500;

export interface TreeNode {
  conceptId: number;
  minLevelsOfSeparation: number;
  maxLevelsOfSeparation: number;
  /** Direct parents of this node among the concept and the nodes listed (ancestors) or the concept and its listed descendants. */
  parentIds: number[];
}

export interface ConceptTree {
  ancestors: TreeNode[];
  descendants: TreeNode[];
  ancestorCount: number;
  descendantCount: number;
  relationships: { relationshipId: string; conceptId: number }[];
}

const big = (n: number) => param(n, 'bigint');

async function rows(db: SiteDatabase, q: QueryNode) {
  return db.query(compile(q, dialectByName(db.dialect)));
}

async function related(
  db: SiteDatabase,
  id: number,
  side: 'ancestor' | 'descendant',
): Promise<{ nodes: TreeNode[]; count: number }> {
  const other = side === 'ancestor' ? 'ca.ancestor_concept_id' : 'ca.descendant_concept_id';
  const self = side === 'ancestor' ? 'ca.descendant_concept_id' : 'ca.ancestor_concept_id';
  const where = and(eq(col(self), big(id)), bin('<>', col(other), big(id)));
  const [list, count] = await Promise.all([
    rows(
      db,
      select({
        select: [
          sel(col(other), 'concept_id'),
          sel(col('ca.min_levels_of_separation'), 'min_levels'),
          sel(col('ca.max_levels_of_separation'), 'max_levels'),
        ],
        from: table('concept_ancestor', 'ca'),
        where,
        orderBy: [asc(col('ca.min_levels_of_separation')), asc(col(other))],
        limit: MAX_TREE,
      }),
    ),
    rows(db, select({ select: [sel(countStar(), 'n')], from: table('concept_ancestor', 'ca'), where })),
  ]);
  const nodes: TreeNode[] = list.map((r) => ({
    conceptId: toNumber(r.concept_id),
    minLevelsOfSeparation: toNumber(r.min_levels),
    maxLevelsOfSeparation: toNumber(r.max_levels),
    parentIds: [],
  }));
  // Direct-parent edges among the concept and the listed nodes.
  const members = [id, ...nodes.map((n) => n.conceptId)];
  if (nodes.length > 0) {
    const edges = await rows(
      db,
      select({
        select: [sel(col('ca.ancestor_concept_id'), 'parent'), sel(col('ca.descendant_concept_id'), 'child')],
        from: table('concept_ancestor', 'ca'),
        where: and(
          eq(col('ca.min_levels_of_separation'), param(1, 'integer')),
          inList(col('ca.ancestor_concept_id'), members.map(big)),
          inList(col('ca.descendant_concept_id'), members.map(big)),
        ),
      }),
    );
    const byId = new Map(nodes.map((n) => [n.conceptId, n]));
    for (const e of edges) {
      const child = toNumber(e.child);
      const parent = toNumber(e.parent);
      byId.get(child)?.parentIds.push(parent);
    }
    for (const n of nodes) n.parentIds.sort((a, b) => a - b);
  }
  return { nodes, count: toNumber(count[0]?.n) };
}

export async function conceptTree(db: SiteDatabase, id: number): Promise<ConceptTree> {
  const [ancestors, descendants, rels] = await Promise.all([
    related(db, id, 'ancestor'),
    related(db, id, 'descendant'),
    rows(
      db,
      select({
        select: [sel(col('r.relationship_id'), 'relationship_id'), sel(col('r.concept_id_2'), 'concept_id')],
        from: table('concept_relationship', 'r'),
        where: and(
          eq(col('r.concept_id_1'), big(id)),
          bin('<>', col('r.concept_id_2'), big(id)),
          isNull(col('r.invalid_reason')),
        ),
        orderBy: [asc(col('r.relationship_id')), asc(col('r.concept_id_2'))],
        limit: MAX_RELATIONSHIPS,
      }),
    ),
  ]);
  return {
    ancestors: ancestors.nodes,
    descendants: descendants.nodes,
    ancestorCount: ancestors.count,
    descendantCount: descendants.count,
    relationships: rels.map((r) => ({ relationshipId: String(r.relationship_id), conceptId: toNumber(r.concept_id) })),
  };
}
