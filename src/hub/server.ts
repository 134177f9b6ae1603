/**
 * Builds and starts the hub: one fastify instance, one shared keep-alive client for all sites, one
 * in-memory query store. `startHub` is what the CLI and tests call; it binds where it is told (the
 * CLI applies the listen policy of src/cli/insecure.ts before calling it).
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { AuditLog } from '../node/audit-log.js';
import { FairWork } from './fair-work.js';
import { startMemoryProbe } from './memory-probe.js';
import { HTTP_DEFAULTS, hardenedOptions } from '../node/http-hardening.js';
import { CallerQuota } from './caller.js';
import { HUB_LOAD_DEFAULTS, normalizeHubConfig, type HubConfig, type SiteConfig } from './config.js';
import { QueryStore } from './query-store.js';
import { SiteRegistry } from './registry.js';
import { SiteScheduler, hostOfUrl } from './scheduler.js';
import { BODY_LIMIT, registerRoutes } from './routes.js';
import { SiteHttp } from './site-http.js';
import { HEARTBEAT_MS } from './sse.js';
import { createVerifier } from '../auth/config.js';
import { EnvelopeSigner } from '../auth/envelope.js';

export interface StartHubOptions extends Partial<Omit<HubConfig, 'sites'>> {
  sites: SiteConfig[];
  /** How long GET /v1/sites reuses a site's /v1/info answer (default 5000 ms). */
  healthCacheMs?: number;
  /** Timeout of one /v1/info probe (default 2000 ms). */
  probeTimeoutMs?: number;
  /** Interval of SSE heartbeat comments (default 15000 ms). */
  heartbeatMs?: number;
  /** The envelope signer (startHub makes one when `auth.issuer` is set). */
  envelopes?: EnvelopeSigner;
}

export interface RunningHub {
  /** Base URL, e.g. http://127.0.0.1:8100 */
  url: string;
  config: HubConfig;
  /**
   * Stops the hub. With `drainMs` (what SIGTERM does) new queries are refused with 503 and running ones
   * get that long to finish; whatever still runs then is cancelled (aborting its site calls), open
   * streams end, the audit log is closed after the last line.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

export function buildHub(options: StartHubOptions): {
  app: FastifyInstance;
  config: HubConfig;
  shutdown(opts?: { drainMs?: number }): Promise<void>;
} {
  const config = normalizeHubConfig(options);
  const audit = config.auditLog === undefined ? undefined : AuditLog.open(config.auditLog);
  const http = new SiteHttp();
  const store = new QueryStore(
    config.maxQueries,
    config.queryTtlS * 1000,
    Date.now,
    config.maxStoreBytes ?? HUB_LOAD_DEFAULTS.maxStoreBytes,
  );
  // One slot of each site is kept from any single caller: another caller's query starts at once.
  const scheduler = new SiteScheduler(undefined, { reserve: 1 });
  // Sites on one machine share its cores: a one-off call at one holds backlogs at the others
  // (FEDOMOP_HUB_GIVE_WAY=site keeps each site to itself: the benchmarks' comparison).
  if (process.env.FEDOMOP_HUB_GIVE_WAY !== 'site')
    for (const site of config.sites) scheduler.setHost(site.id, hostOfUrl(site.url));
  const registry = new SiteRegistry(config.sites, http, {
    cacheMs: options.healthCacheMs,
    probeTimeoutMs: options.probeTimeoutMs,
    onInfo: (site, info) => {
      if (typeof info.maxConcurrentQueries === 'number') scheduler.setCapacity(site, info.maxConcurrentQueries);
    },
  });
  const lifecycle = { draining: false };
  const work = new FairWork();
  const app = Fastify({
    logger: false,
    // Room for the largest plan text the plan module accepts plus the request envelope, so an
    // oversized plan gets the plan module's explanation rather than a bare body-size refusal.
    ...hardenedOptions({
      ...HTTP_DEFAULTS,
      ...(config.requestTimeoutMs !== undefined && { requestTimeoutMs: config.requestTimeoutMs }),
      bodyLimit: BODY_LIMIT,
    }),
  });
  registerRoutes(app, {
    registry,
    store,
    http,
    siteTimeoutMs: config.siteTimeoutMs,
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    audit,
    verifier: config.auth?.issuer ? createVerifier(config.auth) : undefined,
    envelopes: options.envelopes,
    scheduler,
    work,
    quota: new CallerQuota(config.maxQueriesPerCaller ?? HUB_LOAD_DEFAULTS.maxQueriesPerCaller),
    lifecycle,
  });
  const stopProbe = startMemoryProbe(() => ({
    queries: store.size,
    running: store.running,
    storeMiB: Math.round((store.bytes / 1048576) * 10) / 10,
    work: work.stats().waiting,
    // Site calls stopped so far for other callers' one-off calls (src/hub/scheduler.ts): wasted work.
    preempted: config.sites.reduce((n, s) => n + scheduler.preemptions(s.id), 0),
  }));
  let closing: Promise<void> | undefined;
  const shutdown = (opts: { drainMs?: number } = {}): Promise<void> =>
    (closing ??= (async () => {
      lifecycle.draining = true;
      stopProbe?.();
      const deadline = Date.now() + (opts.drainMs ?? 0);
      while (store.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      // Ending every query first ends the open results/events streams, which fastify would wait for.
      store.cancelAll('the hub is shutting down');
      try {
        await app.close();
      } finally {
        http.close();
        // After app.close(): cancelled queries have written their lines.
        await audit?.close();
      }
    })());
  return { app, config, shutdown };
}

export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  const envelopes =
    options.envelopes ?? (options.auth?.issuer ? await EnvelopeSigner.create(options.auth.envelopeKey) : undefined);
  const { app, config, shutdown } = buildHub({ ...options, envelopes });
  const host = config.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: config.port });
  } catch (err) {
    await shutdown();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, config: { ...config, host, port }, close: (opts) => shutdown(opts) };
}
