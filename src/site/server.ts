/**
 * The site service: a small HTTP API next to one OMOP database. Every route declares its response
 * schema, so fastify serialises exactly the declared fields and nothing else can leak out.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { FedomopError, toErrorBody } from '../errors.js';
import { frameworkError, hardenedOptions, HTTP_DEFAULTS } from '../node/http-hardening.js';
import { ANALYSIS_KINDS, PLAN_VERSION, parsePlan, PLAN_LIMITS } from '../plan/index.js';
import { planHashSync } from '../node/plan-hash.js';
import { readPlan } from './plan-memo.js';
import { callerDigest, outcomeOf, type AuditEntry, type AuditLog } from './audit.js';
import type { CdmReport } from './cdm-check.js';
import { assertPlanFitsCdm } from './cdm-fit.js';
import type { SiteConfig } from './config.js';
import { registerConceptRoutes } from './concept-routes.js';
import { ConceptService } from './concept-service.js';
import { siteConceptReleases, type ConceptReleases } from './concept-releases.js';
import type { SiteDatabase } from './database.js';
import { answerPlan, type DisclosureState, type SiteAnswer, type SiteIdentity } from './execute.js';
import { openDisclosureState } from './disclosure-state.js';
import type { Plan } from '../plan/types.js';
import { QueryLimiter } from './limiter.js';
import { RoundSessions } from './rounds.js';
import { errorSchema, infoSchema, previewSchema } from './schemas.js';
import { authenticate, tokenOf, withChallenge } from '../auth/http.js';
import { ENVELOPE_HEADER, requestBinding } from '../auth/envelope.js';
import { accessOf, decide, type Action, type DisclosureProfile } from '../auth/policy.js';
import { requestUser, userKeyOf } from '../auth/user.js';
import { ANALYSIS_KINDS as ALL_KINDS } from '../plan/index.js';
import type { SiteAuth } from './site-auth.js';
import { describePolicy, perturbs, strictFor, type DisclosurePolicy } from '../disclosure/index.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** The largest plan text the plan module reads, plus room for anything around it. */
export const SITE_BODY_LIMIT = PLAN_LIMITS.maxPlanTextBytes + 64 * 1024;

export interface SiteContext {
  config: SiteConfig;
  db: SiteDatabase;
  identity: SiteIdentity & { name: string };
  /** Where each /v1/execute is recorded; none in specs that do not look at it. */
  audit?: AuditLog;
  /** Reads the site's identity (cdm_source) and checks the CDM again, after the database file was replaced. */
  reload?: () => Promise<void>;
  /** What the CDM has (src/site/cdm-check.ts), to refuse plans that need what it lacks; none in specs. */
  cdm?: () => CdmReport | undefined;
  /** Token verification, policy, envelopes; none under --dev-insecure (and in specs that run without). */
  auth?: SiteAuth;
  /** Set when the site drains (SIGTERM): new plans get 503; `running` counts plans not yet answered. */
  lifecycle?: SiteLifecycle;
  /** Record keys, release histories and rate limits; opened from the config when not given. */
  disclosure?: DisclosureState;
  /** The concept index (built on first use when not given; start.ts builds it at start-up). */
  concepts?: ConceptService;
  /** Concept counts keyed by persons, the published sets every release is checked against (concept-releases.ts). */
  conceptReleases?: ConceptReleases;
}

/**
 * The key of the caller's release history and rate limits, and the one place a request becomes a
 * user for disclosure control: the verified user (`<issuer>|<subject>`, src/auth/user.ts), so a fresh
 * token is still the same person; under --dev-insecure a digest of the Authorization header (null:
 * the shared anonymous history).
 */
function userOf(req: FastifyRequest): string | null {
  return userKeyOf(req) ?? callerDigest(req.headers.authorization);
}

export interface SiteLifecycle {
  draining: boolean;
  running: number;
}

export function buildSiteServer(ctx: SiteContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    ...hardenedOptions({ ...HTTP_DEFAULTS, ...ctx.config.http, bodyLimit: SITE_BODY_LIMIT }),
  });
  const limiter = new QueryLimiter(ctx.config.maxConcurrentQueries, ctx.config.maxConcurrentQueries * 4);
  const disclosure = ctx.disclosure ?? openDisclosureState(ctx.config);
  const concepts = ctx.concepts ?? new ConceptService(ctx.db);
  const conceptReleases = ctx.conceptReleases ?? siteConceptReleases(ctx.db, () => disclosure.keys);

  // JSON only: fastify also parses text/plain by default, and a text/plain POST is a CORS "simple
  // request" any web page can make from a browser that holds a site's token. Everything else is 415.
  // The raw text is kept: parsePlan gives better messages for broken JSON than the default parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Every request to /v1/execute leaves one audit line, whether the handler ran (it records) or
  // fastify refused the request before it (the error handler records).
  const audited = new WeakSet<object>();
  const audit = (
    req: FastifyRequest,
    entry: Omit<AuditEntry, 'time' | 'site' | 'event' | 'caller' | 'remote'>,
    event: AuditEntry['event'] = 'execute',
  ) => {
    audited.add(req);
    ctx.audit?.record({
      time: new Date().toISOString(),
      site: ctx.identity.id,
      event,
      caller: callerDigest(req.headers.authorization),
      ...callerFields(req),
      remote: req.ip,
      ...entry,
    });
  };

  /** Requests that came with a verified hub envelope. */
  const fromHub = new WeakSet<FastifyRequest>();

  // Who asked, as verified: the user key, name and groups (under --dev-insecure only the key).
  const callerFields = (req: FastifyRequest) => {
    const user = requestUser(req);
    const key = userKeyOf(req);
    return user ? { user: key, username: user.username, groups: user.groups } : key ? { user: key } : {};
  };

  // Every route but /healthz needs a verified caller (/v1/info also answers anonymously, with the
  // public part only); execute and concepts also need the hub's envelope for this site and request.
  app.addHook('preHandler', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || route === '/healthz') return;
    if (route === '/v1/info' && req.headers.authorization === undefined) return;
    // A refusal thrown here reaches the error handler, which adds WWW-Authenticate and audits it.
    await authenticate(req, ctx.auth?.verifier);
    const header = req.headers[ENVELOPE_HEADER];
    // A site that also takes direct calls checks an envelope when one comes (a direct call has none).
    if (ctx.auth?.envelopes && route !== '/v1/info' && (!ctx.auth.allowDirect || typeof header === 'string')) {
      await ctx.auth.envelopes.verify(typeof header === 'string' ? header : undefined, {
        site: ctx.identity.id,
        binding: requestBinding(req.method, req.url, typeof req.body === 'string' ? req.body : ''),
        token: tokenOf(req),
      });
      fromHub.add(req);
    }
  });

  /** The site's own policy decides (none under --dev-insecure: everything, standard profile). */
  const allow = (req: FastifyRequest, action: Action): DisclosureProfile => {
    if (!ctx.auth) return 'standard';
    return decide(ctx.auth.policy, requestUser(req)?.groups ?? [], action, ctx.identity.id).disclosure;
  };
  // The policy file's profile for this caller: `strict` never relaxes what the site set itself.
  const disclosureFor = (profile: DisclosureProfile): DisclosurePolicy =>
    profile === 'strict' ? strictFor(ctx.config.disclosure) : ctx.config.disclosure;

  app.setErrorHandler((err: FastifyError | FedomopError, req, reply) => {
    const fe = toFedomopError(err);
    if (fe.status >= 500) process.stderr.write(`site ${ctx.identity.id}: ${err.stack ?? err.message}\n`);
    withChallenge(fe, reply);
    const retryAfter = fe.details.retryAfterSeconds;
    if (fe.status === 429 && typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    if ((req.routeOptions.url === '/v1/execute' || req.routeOptions.url === '/v1/rounds') && !audited.has(req)) {
      audit(
        req,
        { outcome: outcomeOf(fe), status: fe.status, code: fe.code, elapsedMs: 0 },
        req.routeOptions.url === '/v1/rounds' ? 'round' : 'execute',
      );
    }
    void reply.status(fe.status).type('application/json').send(toErrorBody(fe));
  });
  app.setNotFoundHandler((req, reply) => {
    const fe = new FedomopError('ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
    void reply.status(404).send(toErrorBody(fe));
  });

  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' }, site: { type: 'string' } } } } } },
    async () => ({
      status: 'ok',
      site: ctx.identity.id,
    }),
  );

  /** A replaced CDM file is picked up before the next plan, with the versions it states. */
  const refreshDatabase = async () => {
    if (await ctx.db.refresh?.()) {
      await ctx.reload?.();
      concepts.invalidate();
      conceptReleases.invalidate();
    }
  };

  app.get('/v1/info', { schema: { response: { 200: infoSchema } } }, async (req) => {
    await refreshDatabase();
    const user = requestUser(req);
    const access = ctx.auth
      ? user
        ? accessOf(ctx.auth.policy, user.groups)
        : undefined
      : { analyses: Object.fromEntries(ALL_KINDS.map((k) => [k, 'standard'])), conceptSearch: true, groups: [] };
    return {
      ...info(),
      auth: ctx.auth
        ? { mode: 'oidc', issuer: ctx.auth.issuer, envelope: ctx.auth.envelopes !== undefined && !ctx.auth.allowDirect }
        : { mode: 'insecure' },
      ...(user && { user: { subject: user.subject, username: user.username, groups: user.groups } }),
      ...(access && { access }),
    };
  });

  const info = () => ({
    site: ctx.identity.id,
    name: ctx.identity.name,
    cdmVersion: ctx.identity.cdmVersion,
    vocabularyVersion: ctx.identity.vocabularyVersion,
    dialect: ctx.db.dialect,
    minCellCount: ctx.config.disclosure.minCellCount,
    analyses: [...ANALYSIS_KINDS],
    planVersion: PLAN_VERSION,
    maxConcurrentQueries: ctx.config.maxConcurrentQueries,
  });

  app.post('/v1/execute', { schema: { response: { '4xx': errorSchema, '5xx': errorSchema } } }, async (req, reply) => {
    const started = performance.now();
    let known: Pick<AuditEntry, 'planHash' | 'analysis' | 'profile'> = {};
    const lifecycle = ctx.lifecycle;
    if (lifecycle) lifecycle.running++;
    try {
      if (lifecycle?.draining) {
        throw new FedomopError('ERR_SHUTTING_DOWN', 'the site is shutting down and takes no new plans; retry shortly');
      }
      if (typeof req.body !== 'string')
        throw new FedomopError('ERR_BAD_REQUEST', 'send the plan as a JSON body with Content-Type: application/json');
      const { plan, hash } = readPlan(req.body);
      known = { planHash: hash, analysis: plan.analysis.kind };
      const profile = allow(req, { kind: 'analysis', analysis: plan.analysis.kind });
      known.profile = profile;
      await refreshDatabase();
      assertPlanFitsCdm(plan.cohort, ctx.cdm?.(), ctx.identity.id);
      const answer = await execute(plan, hash, reply, disclosureFor(profile), userOf(req));
      // Recorded before the answer leaves: if the line cannot be written, the request fails and
      // nothing is released unlogged.
      audit(req, {
        outcome: 'released',
        status: 200,
        ...known,
        rows: answer.rows.length,
        suppressedCells: answer.rows.reduce((n, row) => n + Object.values(row.measures).filter((m) => m.suppressed).length, 0),
        released: releasedDigest(answer.bytes),
        disclosure: disclosureSummary(answer),
        elapsedMs: round(performance.now() - started),
      });
      void reply
        .type(ARROW_STREAM)
        .header('x-fedomop-plan-hash', hash)
        .header('x-fedomop-elapsed-ms', answer.elapsedMs.toFixed(1))
        .send(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
      return reply;
    } catch (err) {
      const fe = toFedomopError(err as FastifyError | FedomopError);
      audit(req, {
        outcome: outcomeOf(fe),
        status: fe.status,
        code: fe.code,
        ...known,
        ...(fe.code === 'ERR_DISCLOSURE_DIFFERENCE' || fe.code === 'ERR_RATE_LIMITED'
          ? {
              disclosure: {
                decision: 'refused',
                reason: fe.code,
                earlierPlanHash: fe.details.earlierPlanHash as string | undefined,
              },
            }
          : {}),
        elapsedMs: round(performance.now() - started),
      });
      throw err;
    } finally {
      if (lifecycle) lifecycle.running--;
    }
  });

  // One round of a hub-driven analysis (summary, histogram, glm, km): aggregates for the hub, as
  // JSON. Same checks as /v1/execute (token, envelope over this exact body, policy for the kind).
  const rounds = new RoundSessions(ctx.db, disclosure, Date.now, (k) => conceptReleases.forK(k));
  app.post('/v1/rounds', { schema: { response: { '4xx': errorSchema, '5xx': errorSchema } } }, async (req, reply) => {
    const started = performance.now();
    let known: Pick<AuditEntry, 'planHash' | 'analysis' | 'profile' | 'round'> = {};
    const lifecycle = ctx.lifecycle;
    if (lifecycle) lifecycle.running++;
    try {
      if (lifecycle?.draining) {
        throw new FedomopError('ERR_SHUTTING_DOWN', 'the site is shutting down and takes no new plans; retry shortly');
      }
      if (typeof req.body !== 'string')
        throw new FedomopError('ERR_BAD_REQUEST', 'send {plan, round} as a JSON body with Content-Type: application/json');
      let body: { plan?: unknown; round?: unknown };
      try {
        body = JSON.parse(req.body) as { plan?: unknown; round?: unknown };
      } catch {
        throw new FedomopError('ERR_BAD_REQUEST', 'the body is not JSON: send {plan, round}');
      }
      if (typeof body !== 'object' || body === null || body.plan === undefined || body.round === undefined)
        throw new FedomopError('ERR_BAD_REQUEST', 'send {plan, round}');
      const plan = parsePlan(JSON.stringify(body.plan));
      const hash = planHashSync(plan);
      const roundType = (body.round as { type?: unknown }).type;
      known = {
        planHash: hash,
        analysis: plan.analysis.kind,
        ...(typeof roundType === 'string' && { round: roundType.slice(0, 20) }),
      };
      const profile = allow(req, { kind: 'analysis', analysis: plan.analysis.kind });
      known.profile = profile;
      await refreshDatabase();
      assertPlanFitsCdm(plan.cohort, ctx.cdm?.(), ctx.identity.id);
      const abort = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) abort.abort();
      };
      reply.raw.on('close', onClose);
      const timer = setTimeout(() => abort.abort(), ctx.config.queryTimeoutMs);
      try {
        const policy = disclosureFor(profile);
        // A round's answer holds exact sums only the hub may see (moments, GLM contributions, probe
        // counts): a site that takes direct calls answers rounds under a perturbing profile only with
        // the hub's envelope. (--dev-insecure has no auth at all and listens on loopback only.)
        if (ctx.auth && !fromHub.has(req) && (perturbs(policy) || policy.differencing !== undefined)) {
          throw new FedomopError(
            'ERR_ENVELOPE_INVALID',
            `site ${ctx.identity.id} answers statistics rounds under its ${profile} profile only through the hub (their intermediate sums are exact): submit the analysis to the hub`,
          );
        }
        const user = userOf(req);
        // The first round of a plan counts against the user's plan rate limit, as one /v1/execute does.
        if (!rounds.has(hash, user)) disclosure.plans.take(user, policy.rateLimit);
        const answer = await limiter.run(() => rounds.answer(plan, hash, body.round, policy, user, abort.signal), user);
        audit(req, { outcome: 'released', status: 200, ...known, elapsedMs: round(performance.now() - started) }, 'round');
        return reply.type('application/json').send(JSON.stringify({ ...answer, k: policy.minCellCount }));
      } finally {
        clearTimeout(timer);
        reply.raw.off('close', onClose);
      }
    } catch (err) {
      const fe = toFedomopError(err as FastifyError | FedomopError);
      audit(
        req,
        { outcome: outcomeOf(fe), status: fe.status, code: fe.code, ...known, elapsedMs: round(performance.now() - started) },
        'round',
      );
      throw fe;
    } finally {
      if (lifecycle) lifecycle.running--;
    }
  });

  /** Runs the plan under the site's concurrency limit and timeout; a closed connection stops it. */
  async function execute(
    plan: Plan,
    hash: string,
    reply: FastifyReply,
    policy: DisclosurePolicy,
    user: string | null,
    preview = false,
  ): Promise<SiteAnswer> {
    // A closed connection (hub cancelled, timed out or died) interrupts the SQL.
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.on('close', onClose);
    const timer = setTimeout(() => abort.abort(), ctx.config.queryTimeoutMs);
    try {
      return await limiter.run(
        () =>
          answerPlan(ctx.db, plan, hash, ctx.identity, policy, abort.signal, {
            user,
            disclosure,
            preview,
            published: (k) => conceptReleases.forK(k),
          }),
        user,
      );
    } catch (err) {
      if (err instanceof FedomopError && err.code === 'ERR_QUERY_CANCELLED' && !reply.raw.destroyed && abort.signal.aborted) {
        throw new FedomopError(
          'ERR_QUERY_FAILED',
          `the query ran longer than this site's limit of ${ctx.config.queryTimeoutMs} ms and was stopped`,
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    }
  }

  // What /v1/execute would release for the same body, cell by cell, without a value, a history
  // entry or a plan counted against the user's limit (previews have their own limit).
  app.post(
    '/v1/preview',
    { schema: { response: { 200: previewSchema, '4xx': errorSchema, '5xx': errorSchema } } },
    async (req, reply) => {
      if (typeof req.body !== 'string')
        throw new FedomopError('ERR_BAD_REQUEST', 'send the plan as a JSON body with Content-Type: application/json');
      const plan = parsePlan(req.body);
      const hash = planHashSync(plan);
      // A preview says what would be withheld: it is as much the policy's business as the answer.
      const policy = disclosureFor(allow(req, { kind: 'analysis', analysis: plan.analysis.kind }));
      await refreshDatabase();
      assertPlanFitsCdm(plan.cohort, ctx.cdm?.(), ctx.identity.id);
      let answer: SiteAnswer;
      try {
        answer = await execute(plan, hash, reply, policy, userOf(req), true);
      } catch (err) {
        if (!(err instanceof FedomopError) || err.code !== 'ERR_DISCLOSURE_DIFFERENCE') throw err;
        return { site: ctx.identity.id, planHash: hash, decision: 'refused', reason: err.message, cells: [] };
      }
      const refused = answer.decisions.some((d) => d.action === 'refused');
      return {
        site: ctx.identity.id,
        planHash: hash,
        decision: refused ? 'refused' : 'released',
        policy: JSON.parse(describePolicy(policy)) as Record<string, unknown>,
        cells: answer.decisions,
      };
    },
  );

  registerConceptRoutes(app, {
    db: ctx.db,
    site: ctx.identity.id,
    concepts,
    policyFor: (req) => disclosureFor(allow(req, { kind: 'concepts' })),
    disclosure,
    userOf,
    published: (k) => conceptReleases.forK(k),
    countedColumns: () => conceptReleases.countedColumns(),
    refresh: refreshDatabase,
  });

  return app;
}

function toFedomopError(err: FastifyError | FedomopError): FedomopError {
  if (err instanceof FedomopError) return err;
  if ((err as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new FedomopError('ERR_PLAN_INVALID', 'the request body is empty: send a plan');
  return (
    frameworkError(err, SITE_BODY_LIMIT) ??
    new FedomopError('ERR_INTERNAL', 'internal error at the site (details are in the site log)')
  );
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** What left the site, as the audit log keeps it: the SHA-256 of the exact Arrow bytes sent. */
function releasedDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What the audit line says about disclosure: counts of cells per action, never a value. */
function disclosureSummary(answer: SiteAnswer): NonNullable<AuditEntry['disclosure']> {
  const count = (a: string) => answer.decisions.filter((d) => d.action === a).length;
  const widened = answer.decisions.filter((d) => d.action === 'widened');
  return {
    decision: 'released',
    perturbed: count('perturbed'),
    withheld: count('withheld'),
    widened: widened.length,
    ...(widened.length ? { reason: widened[0].reason } : {}),
  };
}
