/**
 * Runs a rounds kind (summary, histogram, glm, km) for one query: the kind's hub part
 * (src/analysis/kinds/<kind>/hub.ts) asks rounds, this sends each round to every site still taking
 * part (POST /v1/rounds with {plan, round}, the caller's token and a fresh envelope for that body),
 * turns failures into per-site errors, and at the end writes the kind's result table with its
 * metadata. Every round's call to a site takes a slot of the hub's per-site scheduler
 * (src/hub/scheduler.ts) as a count's call does — the site's advertised concurrency, the reserve,
 * per-caller round-robin — and gives it back when the site has answered: an iteration holds no slot
 * between rounds. While a round waits for a slot the site shows `queued`.
 */
import { ENVELOPE_HEADER } from '../auth/envelope.js';
import { batchFromRecords } from '../arrow/records.js';
import { META } from '../arrow/result-schema.js';
import { FedomopError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { VariableAnalysis } from '../analysis/kinds/plan-types.js';
import { kindSchema } from '../analysis/kinds/registry.js';
import type { KindOutcome, RoundsContext, SiteAnswers } from '../analysis/kinds/hub-context.js';
import type { Round } from '../analysis/kinds/rounds.js';
import { driveRounds } from '../analysis/kinds/hub-kinds.js';
import type { SiteConfig } from './config.js';
import type { Query } from './query.js';
import { asSiteError, relayedError } from './site-errors.js';
import type { SiteHttp } from './site-http.js';
import type { Release, SiteScheduler } from './scheduler.js';

export interface RoundsOptions {
  authorization?: string;
  timeoutMs?: number;
  defaultTimeoutMs: number;
  /** An envelope for one site's copy of one round's body; none without auth. */
  envelope?: (site: string, body: Buffer) => Promise<string>;
  /** Per-site slots; without one every round's calls go out at once (specs of the rounds alone). */
  scheduler?: SiteScheduler;
  /** The scheduler's round-robin key (src/hub/caller.ts). */
  caller?: string;
}

export function runRounds(http: SiteHttp, query: Query, plan: Plan, sites: SiteConfig[], opts: RoundsOptions): void {
  const analysis = plan.analysis as VariableAnalysis;
  const active = new Map(sites.map((s) => [s.id, s]));
  const failures = new Map<string, FedomopError>();
  if (!opts.scheduler) for (const s of sites) query.startSite(s.id);

  /** A slot at the site for one round's call (at once without a scheduler); rejects if the query is cancelled meanwhile. */
  const slot = (site: SiteConfig): Promise<Release> => {
    const scheduler = opts.scheduler;
    if (!scheduler) return Promise.resolve(() => {});
    const signal = query.siteSignal(site.id);
    return new Promise<Release>((resolve, reject) => {
      const cancelled = () =>
        reject(
          signal.reason instanceof FedomopError
            ? signal.reason
            : new FedomopError('ERR_QUERY_CANCELLED', 'the query was cancelled', { site: site.id }),
        );
      if (signal.aborted) return cancelled();
      signal.addEventListener('abort', cancelled, { once: true });
      const started = scheduler.submit(site.id, opts.caller ?? '', signal, (release) => {
        signal.removeEventListener('abort', cancelled);
        query.roundSlot(site.id, false);
        resolve(release);
      });
      if (!started) query.roundSlot(site.id, true);
    });
  };

  const askOne = async (site: SiteConfig, body: Buffer): Promise<unknown> => {
    const release = await slot(site);
    try {
      return await sendRound(site, body);
    } finally {
      // The slot is free as soon as the site has answered, before the hub reads the answer.
      release();
    }
  };

  const sendRound = async (site: SiteConfig, body: Buffer): Promise<unknown> => {
    const timeoutMs = opts.timeoutMs ?? site.timeoutMs ?? opts.defaultTimeoutMs;
    const controller = new AbortController();
    const outer = query.siteSignal(site.id);
    const onAbort = () => controller.abort(outer.reason);
    if (outer.aborted) onAbort();
    outer.addEventListener('abort', onAbort);
    const timer = setTimeout(
      () =>
        controller.abort(
          new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer a round within ${timeoutMs} ms`, {
            site: site.id,
          }),
        ),
      timeoutMs,
    );
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-fedomop-query-id': query.id,
      };
      if (opts.authorization !== undefined) headers.authorization = opts.authorization;
      if (opts.envelope) headers[ENVELOPE_HEADER] = await opts.envelope(site.id, body);
      const res = await http.request(`${site.url}/v1/rounds`, { method: 'POST', headers, body, signal: controller.signal });
      if (res.status >= 400) throw relayedError(site.id, res.status, res.body);
      try {
        return JSON.parse(res.body.toString('utf8'));
      } catch {
        throw new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site.id} sent a bad answer to a round: not JSON`, {
          site: site.id,
        });
      }
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    }
  };

  const ctx: RoundsContext = {
    analysis,
    sites: () => [...active.keys()],
    iteration: (data) => query.iteration(data),
    ask: async <T extends Round>(round: T) => {
      if (query.finished) throw new FedomopError('ERR_QUERY_CANCELLED', 'the query was cancelled');
      const body = Buffer.from(JSON.stringify({ plan, round }));
      const out = new Map() as SiteAnswers<T['type']>;
      await Promise.all(
        [...active.values()].map(async (site) => {
          try {
            const answer = (await askOne(site, body)) as { type?: string };
            if (answer?.type !== round.type)
              throw new FedomopError(
                'ERR_SITE_BAD_RESPONSE',
                `site ${site.id} answered a ${round.type} round with ${String(answer?.type)}`,
                { site: site.id },
              );
            out.set(site.id, answer as never);
          } catch (err) {
            const e = asSiteError(site.id, err);
            active.delete(site.id);
            failures.set(site.id, e);
            query.failSite(site.id, e);
          }
        }),
      );
      if (query.finished) throw new FedomopError('ERR_QUERY_CANCELLED', 'the query was cancelled');
      // keep the query's site order
      return new Map(sites.filter((s) => out.has(s.id)).map((s) => [s.id, out.get(s.id)!])) as SiteAnswers<T['type']>;
    },
  };

  const drive = (): Promise<KindOutcome> => driveRounds(ctx, () => failures);

  const base = {
    [META.planHash]: query.planHash,
    [META.analysis]: JSON.stringify(analysis),
    [META.sites]: JSON.stringify(query.siteIds),
  };
  drive().then(
    (outcome) => {
      const schema = kindSchema(analysis, { ...base, ...outcome.metadata });
      const perSite = outcome.perSite.map(
        ([site, rows]) => [site, batchFromRecords(schema, rows)] as [string, ReturnType<typeof batchFromRecords>],
      );
      const pooled = outcome.pooled && ctx.sites().length > 0 ? batchFromRecords(schema, outcome.pooled) : undefined;
      query.finishRounds(schema, perSite, pooled, outcome.error);
    },
    (err: unknown) => {
      if (query.finished) return;
      const e =
        err instanceof FedomopError
          ? err
          : new FedomopError('ERR_INTERNAL', `the hub failed running the analysis: ${(err as Error)?.message ?? String(err)}`);
      if (e.code === 'ERR_INTERNAL') process.stderr.write(`fedomop hub: ${(err as Error)?.stack ?? String(err)}\n`);
      query.finishRounds(kindSchema(analysis, base), [], undefined, e);
    },
  );
}
