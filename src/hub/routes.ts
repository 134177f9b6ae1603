/**
 * The hub's HTTP routes (docs/http-api.md, Hub). Handlers stay thin: validation is the plan module's,
 * fan-out and state are the Query's, wire formats are results-stream's and sse's. The hub checks no
 * tokens itself: it forwards the caller's Authorization header and each site decides.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { callerDigest, type AuditLog } from '../node/audit-log.js';
import { FedomopError, toErrorBody } from '../errors.js';
import { PLAN_LIMITS, planError, validatePlan } from '../plan/index.js';
import type { SiteConfig } from './config.js';
import { fanOut } from './fan-out.js';
import { canonicalPlan } from '../node/plan-hash.js';
import { Query } from './query.js';
import type { QueryStore } from './query-store.js';
import type { SiteRegistry } from './registry.js';
import { sendResults } from './results-stream.js';
import * as S from './schemas.js';
import { asSiteError, relayedError } from './site-errors.js';
import type { SiteHttp } from './site-http.js';
import { sendEvents } from './sse.js';
import { registerPreview } from './preview.js';

export interface HubContext {
  registry: SiteRegistry;
  store: QueryStore;
  http: SiteHttp;
  siteTimeoutMs: number;
  heartbeatMs: number;
  /** One line per query (when it ends) and per refused submission; none in most specs. */
  audit?: AuditLog;
}

interface CreateQueryBody {
  plan: unknown;
  sites?: string[];
  timeoutMs?: number;
}

type IdParams = { Params: { id: string } };

/** The largest plan text the plan module accepts, plus room for the request's envelope. */
export const BODY_LIMIT = PLAN_LIMITS.maxPlanTextBytes + 64 * 1024;

export function registerRoutes(app: FastifyInstance, ctx: HubContext): void {
  // Broken JSON in a query request is a broken plan to the researcher: say so, and where it broke.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      const where = `the request body is not JSON: ${(err as Error).message}`;
      done(new FedomopError('ERR_PLAN_INVALID', where, { problems: [{ path: '', message: where }] }), undefined);
    }
  });
  const audit = (req: FastifyRequest, entry: Record<string, unknown>) =>
    ctx.audit?.record({
      time: new Date().toISOString(),
      caller: callerDigest(req.headers.authorization),
      remote: req.ip,
      ...entry,
    });

  app.setErrorHandler((err, req, reply) => {
    const fe = asHttpError(err);
    if (fe.code === 'ERR_INTERNAL') process.stderr.write(`fedomop hub: internal error: ${(err as Error).stack ?? String(err)}\n`);
    // A submission the hub turned down reached no site; it is still worth a line.
    if (req.method === 'POST' && req.routeOptions.url === '/v1/queries') {
      audit(req, { event: 'refused', status: fe.status, code: fe.code });
    }
    reply.code(fe.status).send(toErrorBody(fe));
  });
  app.setNotFoundHandler((req, reply) => {
    const fe = new FedomopError('ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
    reply.code(fe.status).send(toErrorBody(fe));
  });

  app.get('/healthz', { schema: S.healthz }, async () => ({ status: 'ok' }));

  app.get('/v1/sites', { schema: S.listSites }, async (req) => ({
    sites: await ctx.registry.healthAll(req.headers.authorization),
  }));

  app.post<{ Body: CreateQueryBody }>('/v1/queries', { schema: S.createQuery }, async (req, reply) => {
    // Validate before any site is contacted: a bad plan costs the sites nothing.
    const checked = validatePlan(req.body.plan);
    if (!checked.ok) throw planError(checked);
    const plan = checked.plan;
    const sites = ctx.registry.resolve(req.body.sites);
    const { json, hash } = canonicalPlan(plan);
    const query = new Query(
      randomUUID(),
      hash,
      plan.analysis,
      sites.map((s) => s.id),
    );
    ctx.store.add(query);
    const submittedAt = performance.now();
    query.onFinished(() =>
      audit(req, {
        event: 'query',
        id: query.id,
        planHash: hash,
        analysis: plan.analysis.kind,
        state: query.state,
        sites: Object.fromEntries(
          Object.entries(query.status().sites).map(([id, s]) => [
            id,
            { state: s.state, rows: s.rows, code: s.error?.code, elapsedMs: s.elapsedMs },
          ]),
        ),
        elapsedMs: Math.round((performance.now() - submittedAt) * 10) / 10,
      }),
    );
    fanOut(ctx.http, query, Buffer.from(json), sites, {
      authorization: req.headers.authorization,
      timeoutMs: req.body.timeoutMs,
      defaultTimeoutMs: ctx.siteTimeoutMs,
    });
    // After the site requests and this reply are written, while the hub would otherwise wait idle.
    setImmediate(() => query.prepare());
    reply.code(202);
    // Warnings (a valid cohort that is probably not what was meant) go back with the id, so the
    // researcher sees them before the answers arrive.
    return { id: query.id, planHash: hash, sites: query.siteIds, warnings: checked.warnings };
  });

  app.get<IdParams>('/v1/queries/:id', { schema: S.getQuery }, async (req) => ctx.store.get(req.params.id).status());

  app.delete<IdParams>('/v1/queries/:id', { schema: S.deleteQuery }, async (req) => {
    const query = ctx.store.get(req.params.id);
    query.cancel();
    return query.status();
  });

  // No automatic HEAD twins for the streams: a HEAD would subscribe a reader that never reads.
  app.get<IdParams>('/v1/queries/:id/results', { schema: S.streamQuery, exposeHeadRoute: false }, (req, reply) => {
    sendResults(ctx.store.get(req.params.id), reply);
  });

  app.get<IdParams>('/v1/queries/:id/events', { schema: S.streamQuery, exposeHeadRoute: false }, (req, reply) => {
    const last = req.headers['last-event-id'];
    sendEvents(ctx.store.get(req.params.id), reply, typeof last === 'string' ? last : undefined, ctx.heartbeatMs);
  });

  registerPreview(app, ctx);

  app.get('/v1/concepts/search', { schema: S.conceptSearch }, async (req) => {
    const q = req.url.indexOf('?');
    return relayConceptSearch(ctx, q >= 0 ? req.url.slice(q) : '', req.headers.authorization);
  });
}

/** Concepts are one shared vocabulary, so any healthy site can answer; the first one in the registry does. */
async function relayConceptSearch(ctx: HubContext, query: string, authorization?: string): Promise<unknown> {
  let lastError: FedomopError | undefined;
  for (const site of ctx.registry.sites) {
    const health = await ctx.registry.health(site, authorization);
    if (health.status !== 'up') continue;
    try {
      return await getJson(ctx, site, `/v1/concepts/search${query}`, authorization);
    } catch (err) {
      // A site that refuses the caller or the request has spoken for all of them; a dead one has not.
      if (err instanceof FedomopError && err.code !== 'ERR_SITE_UNREACHABLE' && err.code !== 'ERR_SITE_TIMEOUT') throw err;
      lastError = asSiteError(site.id, err);
    }
  }
  throw lastError ?? new FedomopError('ERR_SITE_UNREACHABLE', 'no site is up to answer concept searches');
}

async function getJson(ctx: HubContext, site: SiteConfig, path: string, authorization?: string): Promise<unknown> {
  const controller = new AbortController();
  const timeoutMs = site.timeoutMs ?? ctx.siteTimeoutMs;
  const timer = setTimeout(
    () =>
      controller.abort(
        new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer within ${timeoutMs} ms`, { site: site.id }),
      ),
    timeoutMs,
  );
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  try {
    const res = await ctx.http.request(site.url + path, {
      method: 'GET',
      headers,
      signal: controller.signal,
      maxBytes: 16 << 20,
    });
    if (res.status >= 400) throw relayedError(site.id, res.status, res.body);
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site.id} sent a bad answer: not JSON`, { site: site.id });
    }
  } catch (err) {
    throw asSiteError(site.id, err);
  } finally {
    clearTimeout(timer);
  }
}

/** Fastify's own errors (validation, content type, body size) mapped onto the stable codes. */
function asHttpError(err: unknown): FedomopError {
  if (err instanceof FedomopError) return err;
  const e = err as FastifyError;
  if (e.validation) return new FedomopError('ERR_BAD_REQUEST', e.message, {}, { cause: err });
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new FedomopError(
      'ERR_PLAN_TOO_LARGE',
      `the request body is over the hub's ${BODY_LIMIT} byte limit`,
      {},
      { cause: err },
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new FedomopError('ERR_BAD_REQUEST', e.message, {}, { cause: err });
  }
  return new FedomopError('ERR_INTERNAL', 'internal error', {}, { cause: err });
}
