/**
 * POST /v1/preview at the hub: the same body as POST /v1/queries; each chosen site is asked what it
 * would release for the plan (its POST /v1/preview) — per cell released, perturbed, withheld,
 * widened or refused, never a value — and the answers come back together, one entry per site. A
 * site that fails says so in its entry; the others still answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ENVELOPE_HEADER } from '../auth/envelope.js';
import { FedomopError } from '../errors.js';
import { canonicalPlan } from '../node/plan-hash.js';
import { planError, validatePlan } from '../plan/index.js';
import type { SiteConfig } from './config.js';
import type { HubContext } from './routes.js';
import { asSiteError, relayedError } from './site-errors.js';

const cellSchema = {
  type: 'object',
  properties: { cell: { type: 'string' }, measure: { type: 'string' }, action: { type: 'string' }, reason: { type: 'string' } },
} as const;

export const previewResponse = {
  type: 'object',
  properties: {
    planHash: { type: 'string' },
    sites: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          site: { type: 'string' },
          decision: { type: 'string' },
          reason: { type: 'string' },
          policy: { type: 'object', additionalProperties: true },
          cells: { type: 'array', items: cellSchema },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const;

interface PreviewBody {
  plan: unknown;
  sites?: string[];
}

/** The hub's envelope for each site's copy of one request (routes.ts envelopeFor); none without auth. */
export type EnvelopeFor = (req: FastifyRequest, path: string, body?: Buffer) => ((site: string) => Promise<string>) | undefined;

export function registerPreview(app: FastifyInstance, ctx: HubContext, envelopeFor: EnvelopeFor): void {
  app.post<{ Body: PreviewBody }>('/v1/preview', { schema: { response: { 200: previewResponse } } }, async (req) => {
    if (typeof req.body !== 'object' || req.body === null) throw new FedomopError('ERR_BAD_REQUEST', 'send {"plan": ...}');
    const checked = validatePlan(req.body.plan);
    if (!checked.ok) throw planError(checked);
    const { json, hash } = canonicalPlan(checked.plan);
    const sites = ctx.registry.resolve(req.body.sites);
    const body = Buffer.from(json);
    const sign = envelopeFor(req, '/v1/preview', body);
    const answers = await Promise.all(sites.map((s) => previewAt(ctx, s, body, req.headers.authorization, sign)));
    return { planHash: hash, sites: answers };
  });
}

async function previewAt(
  ctx: HubContext,
  site: SiteConfig,
  body: Buffer,
  authorization?: string,
  sign?: (site: string) => Promise<string>,
): Promise<Record<string, unknown>> {
  const timeoutMs = site.timeoutMs ?? ctx.siteTimeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer within ${timeoutMs} ms`, { site: site.id }),
      ),
    timeoutMs,
  );
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  try {
    // Bound to this site and these bytes, like every forwarded request (src/auth/envelope.ts).
    if (sign) headers[ENVELOPE_HEADER] = await sign(site.id);
    const res = await ctx.http.request(site.url + '/v1/preview', {
      method: 'POST',
      headers,
      body,
      signal: controller.signal,
      maxBytes: 16 << 20,
    });
    if (res.status >= 400) throw relayedError(site.id, res.status, res.body);
    return { ...(JSON.parse(res.body.toString('utf8')) as Record<string, unknown>), site: site.id };
  } catch (err) {
    const fe = asSiteError(site.id, err);
    return { site: site.id, error: { code: fe.code, message: fe.message } };
  } finally {
    clearTimeout(timer);
  }
}
