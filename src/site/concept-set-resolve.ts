/**
 * POST /v1/concept-sets/resolve: an ATLAS concept-set expression → the concept ids it stands for,
 * by the very query the Circe compiler runs (src/circe/codesets.ts conceptSetQuery), so a set seen
 * in the browser is the set a cohort uses. Counts: one row per person with a record of the set
 * (a person with two of the set's concepts counts once), released by the caller as one cell through
 * the shared cell-key seam and the user's release history (concept-routes.ts).
 */
import { FedomopError } from '../errors.js';
import { conceptSetQuery } from '../circe/codesets.js';
import type { ConceptSet, ConceptSetItem } from '../circe/types.js';
import { col, countStar, inQuery, select, sel, setOp, subquery, table, asc } from '../sql/build.js';
import { compile, dialectByName } from '../sql/index.js';
import type { QueryNode } from '../sql/nodes.js';
import type { SiteDatabase, SqlColumns, SqlRow } from './database.js';
import { toNumber } from './database.js';

export const MAX_SET_ITEMS = 5000;

/** Checks the body: `{items: [...]}` or ATLAS's export `{expression: {items: [...]}}`; returns the set. */
export function parseConceptSetExpression(body: unknown): ConceptSet {
  const bad = (message: string) => new FedomopError('ERR_BAD_REQUEST', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('send a concept-set expression: {"items": [...]}');
  const outer = body as Record<string, unknown>;
  const expr = (typeof outer.expression === 'object' && outer.expression !== null ? outer.expression : outer) as Record<
    string,
    unknown
  >;
  if (!Array.isArray(expr.items)) throw bad('the concept-set expression has no items array');
  if (expr.items.length > MAX_SET_ITEMS) throw bad(`a concept set may hold at most ${MAX_SET_ITEMS} items`);
  const items: ConceptSetItem[] = expr.items.map((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null) throw bad(`items[${i}] is not an object`);
    const item = raw as Record<string, unknown>;
    const concept = item.concept as Record<string, unknown> | undefined;
    const id = concept?.CONCEPT_ID;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      throw bad(`items[${i}].concept.CONCEPT_ID must be a non-negative integer`);
    for (const flag of ['isExcluded', 'includeDescendants', 'includeMapped'] as const) {
      if (item[flag] !== undefined && typeof item[flag] !== 'boolean') throw bad(`items[${i}].${flag} must be true or false`);
    }
    return {
      concept: { CONCEPT_ID: id },
      isExcluded: item.isExcluded === true,
      includeDescendants: item.includeDescendants === true,
      includeMapped: item.includeMapped === true,
    };
  });
  return { id: 0, expression: { items } };
}

export async function resolveConceptSet(db: SiteDatabase, set: ConceptSet): Promise<number[]> {
  const query = select({
    select: [sel(col('s.concept_id'), 'concept_id')],
    from: subquery(conceptSetQuery(set), 's'),
    orderBy: [asc(col('s.concept_id'))],
  });
  const rows = await db.query(compile(query, dialectByName(db.dialect)));
  return rows.map((r) => toNumber(r.concept_id));
}

/**
 * One row per person with any record of the set's concepts over the counted columns present:
 * person_id and records (summed over the columns). Stays in the site process: the caller derives
 * the persons' record keys and releases the set's counts as one cohort-like cell.
 */
export async function setPersonRows(
  db: SiteDatabase,
  set: ConceptSet,
  columns: readonly (readonly [string, string])[],
): Promise<SqlRow[] | SqlColumns> {
  if (columns.length === 0) return [];
  const parts: QueryNode[] = columns.map(([tbl, column], i) =>
    select({
      select: [sel(col(`t${i}.person_id`), 'person_id')],
      from: table(tbl, `t${i}`),
      where: inQuery(col(`t${i}.${column}`), conceptSetQuery(set)),
    }),
  );
  const union = parts.length === 1 ? parts[0] : setOp('union all', parts);
  const query = select({
    select: [sel(col('u.person_id'), 'person_id'), sel(countStar(), 'records')],
    from: subquery(union, 'u'),
    groupBy: [col('u.person_id')],
  });
  const compiled = compile(query, dialectByName(db.dialect));
  return db.queryColumns ? db.queryColumns(compiled) : db.query(compiled);
}
