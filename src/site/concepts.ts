/**
 * Concept lookup for the cohort builder. Vocabulary tables hold no patient data, so this is not
 * disclosure-controlled, but it still goes through the operation tree: the search text is a bound
 * parameter, never SQL.
 */
import { FedomopError } from '../errors.js';
import { and, asc, bin, caseWhen, col, eq, fn, int, lit, param, select, table, sel } from '../sql/build.js';
import { compile, dialectByName } from '../sql/index.js';
import type { Expr } from '../sql/nodes.js';
import type { SiteDatabase, SqlRow } from './database.js';
import { toNumber } from './database.js';

export interface ConceptInfo {
  conceptId: number;
  name: string;
  domain: string;
  vocabulary: string;
  conceptClass: string;
  standard: boolean;
  code: string;
}

export const CONCEPT_SEARCH_MAX = 100;
/** The concept columns concept search reads (and returns). */
export const CONCEPT_COLUMNS = [
  'concept_id',
  'concept_name',
  'domain_id',
  'vocabulary_id',
  'concept_class_id',
  'standard_concept',
  'concept_code',
];

function toConcept(r: SqlRow): ConceptInfo {
  return {
    conceptId: toNumber(r.concept_id),
    name: String(r.concept_name),
    domain: String(r.domain_id),
    vocabulary: String(r.vocabulary_id),
    conceptClass: String(r.concept_class_id),
    standard: r.standard_concept === 'S',
    code: String(r.concept_code),
  };
}

/** LIKE treats % and _ as wildcards; a researcher typing them means the characters. */
function likePattern(text: string): string {
  return '%' + text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export async function searchConcepts(
  db: SiteDatabase,
  q: string,
  opts: { domain?: string; limit?: number; standardOnly?: boolean } = {},
): Promise<ConceptInfo[]> {
  const text = q.trim();
  if (text.length === 0) throw new FedomopError('ERR_BAD_REQUEST', 'concept search needs a non-empty q');
  if (text.length > 200) throw new FedomopError('ERR_BAD_REQUEST', 'concept search text is longer than 200 characters');
  const limit = Math.min(Math.max(1, opts.limit ?? 20), CONCEPT_SEARCH_MAX);
  const byId = /^\d{1,12}$/.test(text) ? eq(col('c.concept_id'), param(Number(text), 'bigint')) : undefined;
  const byName: Expr = bin('like', fn('lower', [col('c.concept_name')]), param(likePattern(text), 'text'));
  const where = and(
    byId ? bin('or', byId, byName) : byName,
    opts.domain ? eq(col('c.domain_id'), param(opts.domain, 'text')) : undefined,
    opts.standardOnly ? eq(col('c.standard_concept'), lit('S')) : undefined,
  );
  const query = select({
    select: CONCEPT_COLUMNS.map((c) => sel(col(`c.${c}`), c)),
    from: table('concept', 'c'),
    where,
    // Standard concepts and short (more general) names first: what a researcher usually wants.
    orderBy: [
      asc(caseWhen([[eq(col('c.standard_concept'), lit('S')), lit(0)]], lit(1))),
      asc(fn('length', [col('c.concept_name')])),
      asc(col('c.concept_id')),
    ],
    limit,
  });
  const compiled = compile(query, dialectByName(db.dialect));
  const rows = await db.query(compiled);
  return rows.map(toConcept);
}

export async function conceptById(db: SiteDatabase, id: number): Promise<ConceptInfo> {
  const query = select({
    select: CONCEPT_COLUMNS.map((c) => sel(col(`c.${c}`), c)),
    from: table('concept', 'c'),
    where: eq(col('c.concept_id'), int(id)),
  });
  const rows = await db.query(compile(query, dialectByName(db.dialect)));
  if (rows.length === 0) throw new FedomopError('ERR_NOT_FOUND', `concept ${id} is not in this site's vocabulary`);
  return toConcept(rows[0]);
}
