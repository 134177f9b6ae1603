/**
 * The configured sites and what the hub last heard from each. Health is asked for on demand (GET
 * /v1/sites, concept search) rather than polled in the background: an idle hub makes no traffic, and
 * a short cache keeps a busy panel from hammering the sites. Concurrent askers share one request.
 *
 * The cache is per caller (per Authorization header): what a site tells one user — its info, or
 * that it refuses them — is never shown to another, whose token the site may judge differently.
 */
import { FedomopError } from '../errors.js';
import type { SiteConfig } from './config.js';
import { asSiteError, relayedError } from './site-errors.js';
import type { SiteHttp } from './site-http.js';

/** A site's `GET /v1/info` answer (the fields the hub passes on; the route schema drops the rest). */
export interface SiteInfo {
  site: string;
  name?: string;
  cdmVersion?: string;
  vocabularyVersion?: string;
  dialect?: string;
  persons?: number;
  minCellCount?: number;
  analyses?: string[];
  planVersion?: number;
  /** How many plans the site runs at once; the hub's scheduler sends it no more. */
  maxConcurrentQueries?: number;
}

export interface SiteHealth {
  id: string;
  url: string;
  name?: string;
  status: 'up' | 'down';
  info?: SiteInfo;
  error?: { code: string; message: string };
}

interface CacheEntry {
  at: number;
  health: Promise<SiteHealth>;
}

export interface RegistryOptions {
  cacheMs?: number;
  probeTimeoutMs?: number;
  now?: () => number;
  /** Told every /v1/info answer (the scheduler reads each site's capacity from it). */
  onInfo?: (site: string, info: SiteInfo) => void;
}

export class SiteRegistry {
  private readonly byId = new Map<string, SiteConfig>();
  private readonly cache = new Map<string, CacheEntry>();
  /** Per site: when its capacity was last asked for (see learnCapacity). */
  private readonly capacityAsked = new Map<string, number>();
  private readonly cacheMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private readonly onInfo?: (site: string, info: SiteInfo) => void;

  constructor(
    readonly sites: SiteConfig[],
    private readonly http: SiteHttp,
    opts: RegistryOptions = {},
  ) {
    for (const s of sites) this.byId.set(s.id, s);
    this.cacheMs = opts.cacheMs ?? 5000;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
    this.now = opts.now ?? Date.now;
    this.onInfo = opts.onInfo;
  }

  /** The sites a query names (deduplicated, in the caller's order), or all of them. */
  resolve(ids: string[] | undefined): SiteConfig[] {
    if (ids === undefined) return this.sites;
    const unknown = ids.filter((id) => !this.byId.has(id));
    if (unknown.length > 0) {
      throw new FedomopError(
        'ERR_SITE_UNKNOWN',
        `unknown site ${unknown.map((u) => JSON.stringify(u)).join(', ')}; known: ${this.sites.map((s) => s.id).join(', ')}`,
        {
          unknown,
        },
      );
    }
    if (ids.length === 0) throw new FedomopError('ERR_NO_SITES', 'the query names no sites (omit "sites" to ask all of them)');
    return [...new Set(ids)].map((id) => this.byId.get(id)!);
  }

  /**
   * Cached health of one site for this caller; `authorization` is forwarded in case the site guards
   * /v1/info. `caller` is the hub's caller key (src/hub/caller.ts: a digest, never the token, since
   * the cache outlives the request); concurrent askers with one key share one probe.
   */
  health(site: SiteConfig, authorization: string | undefined, caller: string): Promise<SiteHealth> {
    const key = `${site.id}\n${caller}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.cacheMs) return hit.health;
    this.forgetExpired(now);
    const health = this.probe(site, authorization);
    this.cache.set(key, { at: now, health });
    return health;
  }

  /**
   * Asks a site for its capacity (`maxConcurrentQueries`, in the public part of /v1/info) for the
   * hub's scheduler: one anonymous probe per site, whoever asks, at most once per cache period while
   * none has answered with a capacity. Per caller, a fresh hub met by 200 callers at once made 600
   * probes on 600 new connections to the sites (issue 11's soak), for a fact that is the same for all.
   */
  learnCapacity(site: SiteConfig): void {
    const now = this.now();
    const asked = this.capacityAsked.get(site.id);
    if (asked !== undefined && now - asked < this.cacheMs) return;
    this.capacityAsked.set(site.id, now);
    void this.probe(site);
  }

  /**
   * Drops every caller's cached health of one site: a query just failed to reach it, and a cached
   * "up" would keep telling /v1/sites (and the panel) otherwise for up to cacheMs.
   */
  forget(siteId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${siteId}\n`)) this.cache.delete(key);
  }

  /** Many callers mean many keys: entries past their time are dropped whenever a new one is made. */
  private forgetExpired(now: number): void {
    for (const [key, entry] of this.cache) if (now - entry.at >= this.cacheMs) this.cache.delete(key);
  }

  healthAll(authorization: string | undefined, caller: string): Promise<SiteHealth[]> {
    return Promise.all(this.sites.map((s) => this.health(s, authorization, caller)));
  }

  private async probe(site: SiteConfig, authorization?: string): Promise<SiteHealth> {
    const base: SiteHealth = { id: site.id, url: site.url, status: 'down' };
    if (site.name !== undefined) base.name = site.name;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const signal = AbortSignal.timeout(this.probeTimeoutMs);
    try {
      const res = await this.http.request(`${site.url}/v1/info`, { method: 'GET', headers, signal, maxBytes: 1 << 20 });
      if (res.status === 200) {
        const info = JSON.parse(res.body.toString('utf8')) as SiteInfo;
        if (typeof info !== 'object' || info === null) throw new Error('info is not a JSON object');
        this.onInfo?.(site.id, info);
        return { ...base, status: 'up', info };
      }
      const err = relayedError(site.id, res.status, res.body);
      // A site that refuses this caller is still alive; anything else on /v1/info means it is not serving.
      const alive = res.status === 401 || res.status === 403;
      return { ...base, status: alive ? 'up' : 'down', error: { code: err.code, message: err.message } };
    } catch (err) {
      const e = signal.aborted
        ? new FedomopError('ERR_SITE_TIMEOUT', `site ${site.id} did not answer /v1/info within ${this.probeTimeoutMs} ms`)
        : err instanceof SyntaxError || (err as Error).message === 'info is not a JSON object'
          ? new FedomopError('ERR_SITE_BAD_RESPONSE', `site ${site.id} sent a bad /v1/info answer`)
          : asSiteError(site.id, err);
      return { ...base, error: { code: e.code, message: e.message } };
    }
  }
}
