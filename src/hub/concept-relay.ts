/**
 * The hub's concept routes (docs/http-api.md, "Concepts through the hub"). The vocabulary is shared,
 * so search, a concept's details and the filter values come from one site (the first healthy one
 * in the registry); record and person counts are each site's own data, so they are fanned out to
 * every site (POST /v1/concepts/counts, POST /v1/concept-sets/resolve) and merged per site. A site
 * that cannot answer is named in `sites` with its error; the others still answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FedomopError } from '../errors.js';
import { ENVELOPE_HEADER } from '../auth/envelope.js';
import { callerKey } from './caller.js';
import type { SiteConfig } from './config.js';
import type { EnvelopeFor } from './preview.js';
import type { HubContext } from './routes.js';
import { asSiteError, relayedError } from './site-errors.js';
// The hub's one error shape: a site's refusal keeps its details (group, parameter, …) on the way through.
import { errorBody } from './schemas.js';

type Json = Record<string, unknown>;
type SiteStatus = { site: string; status: 'ok' } | { site: string; status: 'error'; error: { code: string; message: string } };

const released = {
  type: 'object',
  properties: { value: { type: ['integer', 'null'] }, lower: { type: 'integer' }, upper: { type: 'integer' } },
} as const;
const counts = { type: 'object', properties: { records: released, persons: released } } as const;
const perSite = { type: 'object', additionalProperties: counts } as const;
const siteStatus = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      site: { type: 'string' },
      status: { type: 'string' },
      error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;
const brief = {
  type: 'object',
  properties: {
    conceptId: { type: 'integer' },
    name: { type: 'string' },
    vocabulary: { type: 'string' },
    domain: { type: 'string' },
    standardConcept: { type: ['string', 'null'] },
  },
} as const;
const conceptProps = {
  conceptId: { type: 'integer' },
  name: { type: 'string' },
  domain: { type: 'string' },
  vocabulary: { type: 'string' },
  conceptClass: { type: 'string' },
  // A flag from current sites; an older site may send OMOP's letter.
  standard: { type: ['boolean', 'string', 'null'] },
  standardConcept: { type: ['string', 'null'] },
  code: { type: 'string' },
  invalidReason: { type: ['string', 'null'] },
  synonyms: { type: 'array', items: { type: 'string' } },
  matched: { type: 'string' },
  mapsTo: { type: 'array', items: brief },
  counts: perSite,
} as const;
const treeNode = {
  type: 'object',
  properties: {
    ...brief.properties,
    conceptClass: { type: 'string' },
    minLevelsOfSeparation: { type: 'integer' },
    maxLevelsOfSeparation: { type: 'integer' },
    parentIds: { type: 'array', items: { type: 'integer' } },
  },
} as const;
const errors = { '4xx': errorBody, '5xx': errorBody } as const;

const searchSchema = {
  response: {
    200: {
      type: 'object',
      required: ['concepts'],
      properties: {
        concepts: { type: 'array', items: { type: 'object', properties: conceptProps } },
        total: { type: 'integer' },
        totalExact: { type: 'boolean' },
        tookMs: { type: 'number' },
        /** The site whose vocabulary ranked the hits. */
        rankedBy: { type: 'string' },
        sites: siteStatus,
      },
    },
    ...errors,
  },
} as const;

const detailSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        ...conceptProps,
        ancestors: { type: 'array', items: treeNode },
        descendants: { type: 'array', items: treeNode },
        ancestorCount: { type: 'integer' },
        descendantCount: { type: 'integer' },
        relationships: {
          type: 'array',
          items: { type: 'object', properties: { relationshipId: { type: 'string' }, concept: brief } },
        },
        rankedBy: { type: 'string' },
        sites: siteStatus,
      },
    },
    ...errors,
  },
} as const;

const resolveSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        conceptIds: { type: 'array', items: { type: 'integer' } },
        concepts: { type: 'array', items: { type: 'object', properties: conceptProps } },
        count: { type: 'integer' },
        counts: perSite,
        /** Concept ids per site when a site's vocabulary resolves the set differently from the first. */
        countBySite: { type: 'object', additionalProperties: { type: 'integer' } },
        sites: siteStatus,
      },
    },
    ...errors,
  },
} as const;

const countsSchema = {
  response: {
    200: {
      type: 'object',
      properties: { counts: { type: 'object', additionalProperties: perSite }, sites: siteStatus },
    },
    ...errors,
  },
} as const;

const facetsSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        domains: { type: 'array', items: { type: 'string' } },
        vocabularies: { type: 'array', items: { type: 'string' } },
        conceptClasses: { type: 'array', items: { type: 'string' } },
        concepts: { type: 'integer' },
        rankedBy: { type: 'string' },
      },
    },
    ...errors,
  },
} as const;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
  authorization?: string;
  sign?: (site: string) => Promise<string>;
}

async function callSite(ctx: HubContext, site: SiteConfig, call: Call): Promise<Json> {
  const timeoutMs = site.timeoutMs ?? ctx.siteTimeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer within ${timeoutMs} ms`, { site: site.id }),
      ),
    timeoutMs,
  );
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body) headers['content-type'] = 'application/json';
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  try {
    // Bound to this site, this request and its bytes, like every forwarded request (src/auth/envelope.ts).
    if (call.sign) headers[ENVELOPE_HEADER] = await call.sign(site.id);
    const res = await ctx.http.request(site.url + call.path, {
      method: call.method,
      headers,
      body: call.body,
      signal: controller.signal,
      maxBytes: 16 << 20,
    });
    if (res.status >= 400) throw relayedError(site.id, res.status, res.body);
    try {
      return JSON.parse(res.body.toString('utf8')) as Json;
    } catch {
      throw new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site.id} sent a bad answer: not JSON`, { site: site.id });
    }
  } catch (err) {
    throw asSiteError(site.id, err);
  } finally {
    clearTimeout(timer);
  }
}

/** The first healthy site answers; a dead one is skipped, a refusal speaks for all. */
async function firstHealthy(ctx: HubContext, req: FastifyRequest, call: Call): Promise<{ site: string; json: Json }> {
  let lastError: FedomopError | undefined;
  for (const site of ctx.registry.sites) {
    const health = await ctx.registry.health(site, call.authorization, callerKey(req));
    if (health.status !== 'up') continue;
    try {
      return { site: site.id, json: await callSite(ctx, site, call) };
    } catch (err) {
      if (err instanceof FedomopError && err.code !== 'ERR_SITE_UNREACHABLE' && err.code !== 'ERR_SITE_TIMEOUT') throw err;
      lastError = asSiteError(site.id, err);
    }
  }
  throw lastError ?? new FedomopError('ERR_SITE_UNREACHABLE', 'no site is up to answer concept requests');
}

/** Every site, in parallel; each answer or its error. */
async function everySite(
  ctx: HubContext,
  call: Call,
): Promise<{ answers: Map<string, Json>; sites: SiteStatus[]; errors: FedomopError[] }> {
  const answers = new Map<string, Json>();
  const errors: FedomopError[] = [];
  const sites = await Promise.all(
    ctx.registry.sites.map(async (site): Promise<SiteStatus> => {
      try {
        answers.set(site.id, await callSite(ctx, site, call));
        return { site: site.id, status: 'ok' };
      } catch (err) {
        const fe = asSiteError(site.id, err);
        errors.push(fe);
        return { site: site.id, status: 'error', error: { code: fe.code, message: fe.message } };
      }
    }),
  );
  return { answers, sites, errors };
}

function jsonBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function registerConceptRelay(app: FastifyInstance, ctx: HubContext, envelopeFor: EnvelopeFor): void {
  const queryOf = (req: FastifyRequest) => {
    const q = req.url.indexOf('?');
    return q >= 0 ? req.url.slice(q) : '';
  };
  const get = (req: FastifyRequest, path: string): Call => ({
    method: 'GET',
    path,
    authorization: req.headers.authorization,
    sign: envelopeFor(req, path),
  });
  const post = (req: FastifyRequest, path: string, body: Buffer): Call => ({
    method: 'POST',
    path,
    body,
    authorization: req.headers.authorization,
    sign: envelopeFor(req, path, body),
  });

  /** Per-site counts for these ids: {id: {site: counts}}. */
  const countsFor = async (req: FastifyRequest, ids: number[]) => {
    const byId: Record<string, Record<string, unknown>> = {};
    if (ids.length === 0) return { byId, sites: [] as SiteStatus[] };
    const { answers, sites } = await everySite(ctx, post(req, '/v1/concepts/counts', jsonBuffer({ ids })));
    for (const [site, answer] of answers) {
      const c = (answer.counts ?? {}) as Record<string, unknown>;
      for (const [id, value] of Object.entries(c)) (byId[id] ??= {})[site] = value;
    }
    return { byId, sites };
  };

  app.get('/v1/concepts/search', { schema: searchSchema }, async (req) => {
    const started = performance.now();
    const path = `/v1/concepts/search${queryOf(req)}`;
    const { site, json } = await firstHealthy(ctx, req, get(req, path));
    const concepts = Array.isArray(json.concepts) ? (json.concepts as Json[]) : [];
    const ids = concepts.map((c) => c.conceptId).filter((id): id is number => typeof id === 'number');
    const { byId, sites } = await countsFor(req, ids);
    return {
      ...json,
      concepts: concepts.map((c) => ({ ...c, counts: byId[String(c.conceptId)] ?? {} })),
      tookMs: Math.round((performance.now() - started) * 100) / 100,
      rankedBy: site,
      sites,
    };
  });

  app.get('/v1/concepts/facets', { schema: facetsSchema }, async (req) => {
    const { site, json } = await firstHealthy(ctx, req, get(req, '/v1/concepts/facets'));
    return { ...json, rankedBy: site };
  });

  app.get<{ Params: { id: string } }>('/v1/concepts/:id', { schema: detailSchema }, async (req) => {
    if (!/^\d{1,15}$/.test(req.params.id))
      throw new FedomopError('ERR_BAD_REQUEST', `concept id must be a non-negative integer, got "${req.params.id}"`, {
        parameter: 'id',
      });
    const { site, json } = await firstHealthy(ctx, req, get(req, `/v1/concepts/${req.params.id}`));
    const { byId, sites } = await countsFor(req, [Number(req.params.id)]);
    return { ...json, counts: byId[req.params.id] ?? {}, rankedBy: site, sites };
  });

  app.post('/v1/concepts/counts', { schema: countsSchema }, async (req) => {
    const ids = (req.body as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'number' && Number.isSafeInteger(i) && i >= 0))
      throw new FedomopError('ERR_BAD_REQUEST', 'send {"ids": [...]} with non-negative integer concept ids', {
        parameter: 'ids',
      });
    const { byId, sites } = await countsFor(req, ids as number[]);
    return { counts: byId, sites };
  });

  app.post('/v1/concept-sets/resolve', { schema: resolveSchema }, async (req) => {
    if (typeof req.body !== 'object' || req.body === null)
      throw new FedomopError('ERR_BAD_REQUEST', 'send a concept-set expression: {"items": [...]}');
    const { answers, sites, errors } = await everySite(ctx, post(req, '/v1/concept-sets/resolve', jsonBuffer(req.body)));
    // A refusal or a bad expression is the same at every site: pass a site's own error on.
    if (answers.size === 0) {
      const spoken = errors.find((e) => e.code !== 'ERR_SITE_UNREACHABLE' && e.code !== 'ERR_SITE_TIMEOUT');
      throw spoken ?? errors[0] ?? new FedomopError('ERR_SITE_UNREACHABLE', 'no site could resolve the concept set');
    }
    const first = [...answers.values()][0];
    const perSiteCounts: Record<string, unknown> = {};
    const countBySite: Record<string, number> = {};
    for (const [site, answer] of answers) {
      perSiteCounts[site] = answer.counts;
      countBySite[site] = Number(answer.count);
    }
    const concepts = (Array.isArray(first.concepts) ? (first.concepts as Json[]) : []).map((c) => {
      const perConcept: Record<string, unknown> = {};
      for (const [site, answer] of answers) {
        const match = (answer.concepts as Json[] | undefined)?.find((x) => x.conceptId === c.conceptId);
        if (match) perConcept[site] = match.counts;
      }
      return { ...c, counts: perConcept };
    });
    return { conceptIds: first.conceptIds, concepts, count: first.count, counts: perSiteCounts, countBySite, sites };
  });
}
