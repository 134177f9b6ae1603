/**
 * Sends one query's plan to every chosen site and turns each site's fate into a settled state on the
 * Query. Sites never wait for each other: each call is its own promise, and one site failing, timing
 * out or answering garbage only settles that site. A site whose slots are all taken (src/hub/scheduler.ts)
 * keeps the call `queued` until one frees; the site's timeout starts when the call is sent.
 */
import { ENVELOPE_HEADER } from '../auth/envelope.js';
import { FedomopError } from '../errors.js';
import type { SiteConfig } from './config.js';
import { decodeSiteAnswerMemo } from './answer-memo.js';
import { expectedNullability, expectedSignature } from './decode.js';
import type { FairWork } from './fair-work.js';
import type { Query } from './query.js';
import type { SiteScheduler, Slot } from './scheduler.js';
import { asSiteError, relayedError } from './site-errors.js';
import type { SiteHttp, SiteHttpResponse } from './site-http.js';

export interface FanOutOptions {
  /** The caller's Authorization header, forwarded unchanged (sites verify it, not the hub). */
  authorization?: string;
  /** The caller's per-query timeout; otherwise each site's own, otherwise the hub default. */
  timeoutMs?: number;
  defaultTimeoutMs: number;
  /** The hub's envelope for one site's copy of this request (src/auth/envelope.ts); none without auth. */
  envelope?: (site: string) => Promise<string>;
  /** Per-site slots; without one every call goes out at once (specs of the fan-out alone). */
  scheduler?: SiteScheduler;
  /** The scheduler's round-robin key (src/hub/caller.ts). */
  caller?: string;
  /**
   * Where decoding and settling each answer runs, fairly across callers (src/hub/fair-work.ts);
   * without one it runs as the answer arrives (specs of the fan-out alone).
   */
  work?: FairWork;
  /** Told when a site could not be reached, so cached health that still says "up" is dropped. */
  onUnreachable?: (site: string) => void;
}

/** `body` is the plan's JSON, serialised once: every site gets the same bytes. */
export function fanOut(http: SiteHttp, query: Query, body: Buffer, sites: SiteConfig[], opts: FanOutOptions): void {
  const expected = expectedSignature(query.analysis);
  const nulls = expectedNullability(query.analysis);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/vnd.apache.arrow.stream, application/json',
    'x-fedomop-query-id': query.id,
  };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  for (const site of sites) {
    const timeoutMs = opts.timeoutMs ?? site.timeoutMs ?? opts.defaultTimeoutMs;
    const send = (release: () => void, slot?: Slot) => {
      const controller = query.startSite(site.id);
      // This attempt's own signal: the query's cancel and timeout end it, and so may the scheduler,
      // which stops a backlog's call for another caller's one-off call and starts it again later.
      const attempt = new AbortController();
      const follow = () => attempt.abort(controller.signal.reason);
      controller.signal.addEventListener('abort', follow, { once: true });
      let over = false;
      let stopped = false;
      slot?.preemptible(() => {
        if (over || controller.signal.aborted) return false;
        stopped = true;
        attempt.abort(new FedomopError('ERR_QUERY_CANCELLED', `stopped to let another caller's query run first`));
        return true;
      });
      // The envelope is signed when the call leaves, not when it was queued: it lives only minutes.
      const sent = opts.envelope
        ? opts.envelope(site.id).then((e) => execute(http, site, body, { ...headers, [ENVELOPE_HEADER]: e }, attempt, timeoutMs))
        : execute(http, site, body, headers, attempt, timeoutMs);
      const ended = () => {
        over = true;
        controller.signal.removeEventListener('abort', follow);
      };
      // The site's slot is free as soon as its answer is in, before the hub has read it.
      const settle = (outcome: () => SettleArg) => {
        if (opts.work) opts.work.run(opts.caller ?? '', () => query.settleSite(site.id, outcome()));
        else query.settleSite(site.id, outcome());
      };
      sent
        .finally(ended)
        .finally(() => {
          // Stopped: shown as queued again before the slot is released (release may start it again).
          if (stopped) query.requeueSite(site.id);
          release();
        })
        .then(
          (res) => {
            if (stopped) return;
            settle(() => {
              try {
                return decodeSiteAnswerMemo(res.body, expected, site.id, res.headers['content-type'], nulls);
              } catch (err) {
                return asSiteError(site.id, err);
              }
            });
          },
          (err) => {
            if (stopped) return;
            const error = asSiteError(site.id, err);
            if (error.code === 'ERR_SITE_UNREACHABLE') opts.onUnreachable?.(site.id);
            settle(() => error);
          },
        );
    };
    if (!opts.scheduler) send(() => {});
    else if (!opts.scheduler.submit(site.id, opts.caller ?? '', query.siteSignal(site.id), send)) query.queueSite(site.id);
  }
}

type SettleArg = Parameters<Query['settleSite']>[1];

/** The site's answer, read whole; an error status becomes the site's error. Decoding is the caller's. */
async function execute(
  http: SiteHttp,
  site: SiteConfig,
  body: Buffer,
  headers: Record<string, string>,
  controller: AbortController,
  timeoutMs: number,
): Promise<SiteHttpResponse> {
  const timer = setTimeout(
    () =>
      controller.abort(
        new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer within ${timeoutMs} ms`, { site: site.id }),
      ),
    timeoutMs,
  );
  try {
    const res = await http.request(`${site.url}/v1/execute`, { method: 'POST', headers, body, signal: controller.signal });
    if (res.status >= 400) throw relayedError(site.id, res.status, res.body);
    if (res.status !== 200) {
      throw new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site.id} sent a bad answer: HTTP ${res.status} instead of 200`, {
        site: site.id,
      });
    }
    return res;
  } finally {
    clearTimeout(timer);
  }
}
