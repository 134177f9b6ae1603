/**
 * The concept routes of a site (docs/http-api.md "Concepts"): search over the in-memory index,
 * one concept with its tree and relationships, per-concept counts for the hub's fan-out, concept-set
 * resolution, and the filter values. All governed by the site policy (`kind: 'concepts'`); counts
 * go out under the caller's disclosure profile.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FedomopError } from '../errors.js';
import { perturbs, type DisclosurePolicy } from '../disclosure/index.js';
import type { ConceptIndex, MatchKind, StandardFilter } from './concept-index/concept-index.js';
import { releaseConceptCounts, unkeyed, type ReleasedCounts } from './concept-counts.js';
import type { PublishedConcepts } from './concept-releases.js';
import { releaseSetCounts } from './concept-set-release.js';
import type { DisclosureState } from './execute.js';
import { conceptTree } from './concept-detail.js';
import { countsRouteSchema, detailSchema, facetsSchema, resolveSchema, searchSchema } from './concept-schemas.js';
import type { ConceptService } from './concept-service.js';
import { parseConceptSetExpression, resolveConceptSet, setPersonRows } from './concept-set-resolve.js';
import type { SiteDatabase } from './database.js';

export const SEARCH_LIMIT_MAX = 100;
export const SEARCH_OFFSET_MAX = 1000;
export const COUNTS_IDS_MAX = 1000;
const RESOLVE_CONCEPTS = 100;

export interface ConceptRouteDeps {
  db: SiteDatabase;
  site: string;
  concepts: ConceptService;
  /** Checks the policy for `kind: 'concepts'` and returns the disclosure policy that applies to the caller. */
  policyFor: (req: FastifyRequest) => DisclosurePolicy;
  /** Record keys, the user's history: a resolved set is released and recorded like a count. */
  disclosure: DisclosureState;
  /** The caller's history key (server.ts userOf). */
  userOf: (req: FastifyRequest) => string | null;
  /** The site's concept counts keyed by persons, for a k (concept-releases.ts). */
  published: (k: number) => Promise<PublishedConcepts>;
  /** The counted clinical columns of this database. */
  countedColumns: () => Promise<readonly (readonly [string, string])[]>;
  /** Picks up a replaced database file (and invalidates the index) before answering. */
  refresh: () => Promise<void>;
}

const bad = (parameter: string, message: string) => new FedomopError('ERR_BAD_REQUEST', message, { parameter });

function intParam(name: string, raw: string | undefined, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw bad(name, `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

function textParam(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > 100) throw bad(name, `${name} is longer than 100 characters`);
  return raw;
}

function standardParam(raw: string | undefined): StandardFilter {
  if (raw === undefined || raw === '' || raw === 'any' || raw === 'false') return 'any';
  if (raw === 'true') return 'S'; // the first version of this route took standard=true
  if (raw === 'S' || raw === 'C' || raw === 'N') return raw;
  throw bad('standard', `standard must be S, C, N or any, got "${raw}"`);
}

function invalidParam(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || raw === 'any') return undefined;
  if (raw === '0') return false;
  if (raw === '1') return true;
  throw bad('invalid', `invalid must be 0 (valid concepts only), 1 (invalid only) or any, got "${raw}"`);
}

function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string') throw new FedomopError('ERR_BAD_REQUEST', 'send a JSON body with Content-Type: application/json');
  try {
    return JSON.parse(body);
  } catch {
    throw new FedomopError('ERR_BAD_REQUEST', 'the body is not valid JSON');
  }
}

interface SearchQuery {
  q?: string;
  limit?: string;
  offset?: string;
  domain?: string;
  vocabulary?: string;
  conceptClass?: string;
  standard?: string;
  invalid?: string;
}

export function registerConceptRoutes(app: FastifyInstance, deps: ConceptRouteDeps): void {
  const brief = (index: ConceptIndex, id: number) => {
    const row = index.rowOf(id);
    if (row < 0) return { conceptId: id, name: '', vocabulary: '', domain: '', standardConcept: null };
    const c = index.concept(row);
    return { conceptId: id, name: c.name, vocabulary: c.vocabulary, domain: c.domain, standardConcept: c.standardConcept };
  };
  /** Keyed by persons when the policy perturbs or remembers; the index's aggregate counts otherwise. */
  const keyed = async (policy: DisclosurePolicy) =>
    perturbs(policy) || policy.differencing !== undefined ? deps.published(policy.minCellCount) : undefined;
  type Keyed = PublishedConcepts | undefined;
  const counted = (index: ConceptIndex, row: number, policy: DisclosurePolicy, pub: Keyed): ReleasedCounts =>
    releaseConceptCounts(
      pub ? (pub.truth(index.concept(row).conceptId) ?? unkeyed({ records: 0, persons: 0 })) : unkeyed(index.trueCounts(row)),
      policy,
    );
  const full = (index: ConceptIndex, row: number, policy: DisclosurePolicy, pub: Keyed, matched?: MatchKind) => {
    const c = index.concept(row);
    const synonyms = index.synonyms(row);
    const mapsTo = c.standardConcept === 'S' ? [] : index.mapsTo(row).map((id) => brief(index, id));
    return {
      ...c,
      standard: c.standardConcept === 'S',
      ...(synonyms.length ? { synonyms } : {}),
      ...(matched ? { matched } : {}),
      ...(mapsTo.length ? { mapsTo } : {}),
      counts: counted(index, row, policy, pub),
    };
  };

  app.get<{ Querystring: SearchQuery }>('/v1/concepts/search', { schema: searchSchema }, async (req) => {
    const started = performance.now();
    const policy = deps.policyFor(req);
    const query = req.query;
    const q = (query.q ?? '').trim();
    if (q.length === 0) throw bad('q', 'concept search needs a non-empty q');
    if (q.length > 200) throw bad('q', 'concept search text is longer than 200 characters');
    const opts = {
      limit: intParam('limit', query.limit, 1, SEARCH_LIMIT_MAX, 20),
      offset: intParam('offset', query.offset, 0, SEARCH_OFFSET_MAX, 0),
      domain: textParam('domain', query.domain),
      vocabulary: textParam('vocabulary', query.vocabulary),
      conceptClass: textParam('conceptClass', query.conceptClass),
      standard: standardParam(query.standard),
      invalid: invalidParam(query.invalid),
    };
    await deps.refresh();
    const index = await deps.concepts.index();
    const result = index.search(query.q ?? '', opts);
    const pub = await keyed(policy);
    return {
      concepts: result.hits.map((h) => full(index, h.row, policy, pub, h.matched)),
      total: result.total,
      totalExact: result.totalExact,
      tookMs: Math.round((performance.now() - started) * 100) / 100,
    };
  });

  app.get('/v1/concepts/facets', { schema: facetsSchema }, async (req) => {
    deps.policyFor(req);
    await deps.refresh();
    const index = await deps.concepts.index();
    return { ...index.facets(), concepts: index.size };
  });

  app.get<{ Params: { id: string } }>('/v1/concepts/:id', { schema: detailSchema }, async (req) => {
    const policy = deps.policyFor(req);
    if (!/^\d{1,15}$/.test(req.params.id)) throw bad('id', `concept id must be a non-negative integer, got "${req.params.id}"`);
    const id = Number(req.params.id);
    await deps.refresh();
    const index = await deps.concepts.index();
    const row = index.rowOf(id);
    if (row < 0) throw new FedomopError('ERR_NOT_FOUND', `concept ${id} is not in this site's vocabulary`);
    const tree = await conceptTree(deps.db, id);
    const node = (n: (typeof tree.ancestors)[number]) => {
      const r = index.rowOf(n.conceptId);
      return { ...brief(index, n.conceptId), conceptClass: r >= 0 ? index.concept(r).conceptClass : '', ...n };
    };
    return {
      ...full(index, row, policy, await keyed(policy)),
      ancestors: tree.ancestors.map(node),
      descendants: tree.descendants.map(node),
      ancestorCount: tree.ancestorCount,
      descendantCount: tree.descendantCount,
      relationships: tree.relationships.map((r) => ({ relationshipId: r.relationshipId, concept: brief(index, r.conceptId) })),
    };
  });

  app.post('/v1/concepts/counts', { schema: countsRouteSchema }, async (req) => {
    const policy = deps.policyFor(req);
    const body = jsonBody(req.body) as { ids?: unknown };
    const ids = body?.ids;
    if (
      !Array.isArray(ids) ||
      ids.length > COUNTS_IDS_MAX ||
      !ids.every((i) => typeof i === 'number' && Number.isSafeInteger(i) && i >= 0)
    )
      throw bad('ids', `send {"ids": [...]} with at most ${COUNTS_IDS_MAX} non-negative integer concept ids`);
    await deps.refresh();
    const index = await deps.concepts.index();
    const counts: Record<string, ReleasedCounts> = {};
    const pub = await keyed(policy);
    for (const id of ids as number[]) {
      const row = index.rowOf(id);
      if (row >= 0) counts[String(id)] = counted(index, row, policy, pub);
    }
    return { site: deps.site, counts };
  });

  app.post('/v1/concept-sets/resolve', { schema: resolveSchema }, async (req) => {
    const policy = deps.policyFor(req);
    const set = parseConceptSetExpression(jsonBody(req.body));
    await deps.refresh();
    const index = await deps.concepts.index();
    const conceptIds = await resolveConceptSet(deps.db, set);
    const pub = await keyed(policy);
    const rows = conceptIds.length ? await setPersonRows(deps.db, set, await deps.countedColumns()) : [];
    const counts = releaseSetCounts(rows, conceptIds, {
      site: deps.site,
      policy,
      user: deps.userOf(req),
      state: deps.disclosure,
      published: pub,
    });
    const shown = conceptIds
      .slice(0, RESOLVE_CONCEPTS)
      .map((id) => index.rowOf(id))
      .filter((r) => r >= 0);
    return {
      conceptIds,
      concepts: shown.map((r) => full(index, r, policy, pub)),
      count: conceptIds.length,
      counts,
    };
  });
}
