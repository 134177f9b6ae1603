/**
 * The hub's HTTP routes (docs/http-api.md, Hub). Handlers stay thin: validation is the plan module's,
 * fan-out and state are the Query's, wire formats are results-stream's and sse's. The hub checks no
 * tokens itself: it forwards the caller's Authorization header and each site decides.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { callerDigest, type AuditLog } from '../node/audit-log.js';
import { FedomopError, toErrorBody } from '../errors.js';
import { frameworkError } from '../node/http-hardening.js';
import { callerKey, RETRY_AFTER_S, type CallerQuota } from './caller.js';
import type { SiteScheduler } from './scheduler.js';
import type { FairWork } from './fair-work.js';
import { PLAN_LIMITS, planError } from '../plan/index.js';
import { fanOut } from './fan-out.js';
import { runRounds } from './rounds-run.js';
import { isRoundsKind } from '../analysis/kinds/registry.js';
import { checkSubmittedPlan, rememberBodyText } from './plan-memo.js';
import { Query } from './query.js';
import type { QueryStore } from './query-store.js';
import type { SiteRegistry } from './registry.js';
import { sendResults } from './results-stream.js';
import * as S from './schemas.js';
import type { SiteHttp } from './site-http.js';
import { sendEvents } from './sse.js';
import { authenticate, tokenOf, withChallenge } from '../auth/http.js';
import { requestBinding, type EnvelopeSigner } from '../auth/envelope.js';
import { requestUser, userKeyOf } from '../auth/user.js';
import type { TokenVerifier } from '../auth/verifier.js';
import { registerPreview } from './preview.js';
import { registerConceptRelay } from './concept-relay.js';

export interface HubContext {
  registry: SiteRegistry;
  store: QueryStore;
  http: SiteHttp;
  siteTimeoutMs: number;
  heartbeatMs: number;
  /** One line per query (when it ends) and per refused submission; none in most specs. */
  audit?: AuditLog;
  /** Verifies callers' tokens; none under --dev-insecure (callers are then told apart by their header only). */
  verifier?: TokenVerifier;
  /** Signs each forwarded request's envelope; none under --dev-insecure. */
  envelopes?: EnvelopeSigner;
  /** Per-site slots, fair across callers. */
  scheduler: SiteScheduler;
  /** The hub's own work on site answers, fair across callers and in short slices (src/hub/fair-work.ts). */
  work?: FairWork;
  /** Queries in flight per caller. */
  quota: CallerQuota;
  /** Set on SIGTERM: new queries are refused with 503 while running ones finish. */
  lifecycle: { draining: boolean };
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
  // JSON is the only body the hub reads (fastify's default text/plain parser is dropped): others get 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const parsed: unknown = JSON.parse(body as string);
      rememberBodyText(parsed, body as string);
      done(null, parsed);
    } catch (err) {
      const where = `the request body is not JSON: ${(err as Error).message}`;
      done(new FedomopError('ERR_PLAN_INVALID', where, { problems: [{ path: '', message: where }] }), undefined);
    }
  });
  const audit = (req: FastifyRequest, entry: Record<string, unknown>) => {
    const user = requestUser(req);
    ctx.audit?.record({
      time: new Date().toISOString(),
      caller: callerDigest(req.headers.authorization),
      ...(userKeyOf(req) !== undefined && { user: userKeyOf(req) }),
      ...(user && { username: user.username, groups: user.groups }),
      remote: req.ip,
      ...entry,
    });
  };

  // Every route but /healthz and /v1/keys needs a verified caller (the hub checks too, so a bad
  // token costs no site anything and the query store knows whose query is whose).
  app.addHook('preHandler', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || route === '/healthz' || route === '/v1/keys') return;
    await authenticate(req, ctx.verifier);
  });
  /** Envelope for one site's copy of a request, bound to that site, the request and the caller's token. */
  const envelopeFor = (req: FastifyRequest, path: string, body?: Buffer) => {
    if (!ctx.envelopes) return undefined;
    const signer = ctx.envelopes;
    const token = tokenOf(req);
    // Plans are POSTed (execute, preview); concept search is a GET without a body.
    const binding = requestBinding(body === undefined ? 'GET' : 'POST', path, body);
    const subject = requestUser(req)?.subject;
    return (site: string, queryId?: string) => signer.sign({ site, binding, token, subject, queryId });
  };

  app.setErrorHandler((err, req, reply) => {
    const fe = asHttpError(err);
    withChallenge(fe, reply);
    if (fe.code === 'ERR_RATE_LIMITED' || fe.code === 'ERR_SHUTTING_DOWN') {
      void reply.header('retry-after', String(fe.details.retryAfterS ?? RETRY_AFTER_S));
    }
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

  // The public key sites check envelopes with (--hub-keys <hub>/v1/keys).
  app.get('/v1/keys', { schema: S.keys }, async () => {
    if (!ctx.envelopes) throw new FedomopError('ERR_NOT_FOUND', 'this hub signs no envelopes (it runs with --dev-insecure)');
    return ctx.envelopes.jwks();
  });

  app.get('/v1/sites', { schema: S.listSites }, async (req) => ({
    sites: await ctx.registry.healthAll(req.headers.authorization, callerKey(req)),
  }));

  app.post<{ Body: CreateQueryBody }>('/v1/queries', { schema: S.createQuery }, async (req, reply) => {
    if (ctx.lifecycle.draining) {
      throw new FedomopError('ERR_SHUTTING_DOWN', 'the hub is shutting down and takes no new queries; retry shortly');
    }
    // Validate before any site is contacted: a bad plan costs the sites nothing.
    // Read before from the same text: the result kept then (src/hub/plan-memo.ts).
    const checked = checkSubmittedPlan(req.body);
    if (!checked.ok) throw planError(checked);
    const { plan, json, hash } = checked;
    const sites = ctx.registry.resolve(req.body.sites);
    const caller = callerKey(req);
    const release = ctx.quota.acquire(caller);
    const query = new Query(
      randomUUID(),
      hash,
      plan.analysis,
      sites.map((s) => s.id),
    );
    // Under --dev-insecure nobody is verified, so nobody owns a query (the header proves nothing).
    query.owner = ctx.verifier ? userKeyOf(req) : undefined;
    try {
      ctx.store.add(query);
    } catch (err) {
      release();
      throw err;
    }
    query.onFinished(release);
    // A site whose capacity the hub has not heard yet is asked now (the default is assumed meanwhile).
    for (const site of sites) if (!ctx.scheduler.knowsCapacity(site.id)) ctx.registry.learnCapacity(site);
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
        released: query.releasedDigest(),
      }),
    );
    if (isRoundsKind(plan.analysis.kind)) {
      // Summary, histogram, glm, km: the hub drives rounds with the sites (src/hub/rounds-run.ts).
      runRounds(ctx.http, query, plan, sites, {
        authorization: req.headers.authorization,
        timeoutMs: req.body.timeoutMs,
        defaultTimeoutMs: ctx.siteTimeoutMs,
        envelope: ctx.envelopes ? (site, body) => envelopeFor(req, '/v1/rounds', body)!(site, query.id) : undefined,
        scheduler: ctx.scheduler,
        caller,
      });
    } else {
      const sign = envelopeFor(req, '/v1/execute', Buffer.from(json));
      fanOut(ctx.http, query, Buffer.from(json), sites, {
        authorization: req.headers.authorization,
        timeoutMs: req.body.timeoutMs,
        defaultTimeoutMs: ctx.siteTimeoutMs,
        envelope: sign && ((site) => sign(site, query.id)),
        scheduler: ctx.scheduler,
        caller,
        work: ctx.work,
        onUnreachable: (site) => ctx.registry.forget(site),
      });
    }
    // After the site requests and this reply are written, while the hub would otherwise wait idle.
    setImmediate(() => query.prepare());
    reply.code(202);
    // Warnings (a valid cohort that is probably not what was meant) go back with the id, so the
    // researcher sees them before the answers arrive.
    return { id: query.id, planHash: hash, sites: query.siteIds, warnings: checked.warnings };
  });

  // A query answers only its owner; to anyone else it does not exist (404, as an unknown id).
  const owned = (req: FastifyRequest<IdParams>) =>
    ctx.verifier ? ctx.store.getOwned(req.params.id, userKeyOf(req)) : ctx.store.get(req.params.id);

  app.get<IdParams>('/v1/queries/:id', { schema: S.getQuery }, async (req) => owned(req).status());

  app.delete<IdParams>('/v1/queries/:id', { schema: S.deleteQuery }, async (req) => {
    const query = owned(req);
    query.cancel();
    return query.status();
  });

  // No automatic HEAD twins for the streams: a HEAD would subscribe a reader that never reads.
  app.get<IdParams>('/v1/queries/:id/results', { schema: S.streamQuery, exposeHeadRoute: false }, (req, reply) => {
    sendResults(owned(req), reply);
  });

  app.get<IdParams>('/v1/queries/:id/events', { schema: S.streamQuery, exposeHeadRoute: false }, (req, reply) => {
    const last = req.headers['last-event-id'];
    sendEvents(owned(req), reply, typeof last === 'string' ? last : undefined, ctx.heartbeatMs);
  });

  registerPreview(app, ctx, envelopeFor);

  registerConceptRelay(app, ctx, envelopeFor);
}

/** Fastify's own errors (validation, content type, body size) mapped onto the stable codes. */
function asHttpError(err: unknown): FedomopError {
  if ((err as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new FedomopError('ERR_PLAN_INVALID', 'the request body is empty: send {"plan": ...}');
  }
  return frameworkError(err, BODY_LIMIT) ?? new FedomopError('ERR_INTERNAL', 'internal error', {}, { cause: err });
}
