/**
 * Hub configuration: flags alone (`--port 8100 --site north=http://…`), a TOML file (`--config hub.toml`),
 * or both, flags winning. Every problem becomes one ERR_CONFIG_INVALID naming the flag or key, because a
 * hub that starts with a typo'd key silently ignored is worse than one that refuses to start.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { FedomopError } from '../errors.js';
import { POOLED_SITE } from '../arrow/result-schema.js';
import { mergeAuth, parseAuthTable, type AuthSettings } from '../auth/config.js';

const HUB_AUTH_KEYS = ['issuer', 'audiences', 'clientIds', 'algorithms', 'clockSkewS', 'opaqueCacheS', 'envelopeKey'] as const;

export interface SiteConfig {
  id: string;
  /** Base URL without trailing slash; `/v1/execute` etc. are appended. */
  url: string;
  name?: string;
  /** Overrides the hub's `siteTimeoutMs` for this site. */
  timeoutMs?: number;
}

export interface HubConfig {
  /** Undefined lets the listen policy choose (loopback under --dev-insecure). */
  host?: string;
  port: number;
  siteTimeoutMs: number;
  maxQueries: number;
  queryTtlS: number;
  sites: SiteConfig[];
  /** Where each query is recorded: `-` for standard output, or a file; none when unset (in-process hubs). */
  auditLog?: string;
  /** Token verification and the envelope key (`[auth]`, --issuer); no issuer = no checks (--dev-insecure only). */
  auth?: AuthSettings;
  // Unset ones take HUB_LOAD_DEFAULTS (src/hub/server.ts); optional so a config reads as what was asked.
  /** Queries one caller may have in flight; more get 429 with Retry-After. */
  maxQueriesPerCaller?: number;
  /** Bytes of results and events the query store keeps; finished queries are evicted beyond it. */
  maxStoreBytes?: number;
  /** The whole request (headers and body) must arrive within this, else 408 and the connection closes. */
  requestTimeoutMs?: number;
  /** On SIGTERM, how long running queries may finish before they are cancelled. */
  drainMs?: number;
}

export const HUB_LOAD_DEFAULTS = {
  maxQueriesPerCaller: 100,
  maxStoreBytes: 256 * 1024 * 1024,
  drainMs: 10_000,
} as const;

const OPTIONAL_INTS = ['maxQueriesPerCaller', 'maxStoreBytes', 'requestTimeoutMs', 'drainMs'] as const;
const OPTIONAL_MIN: Record<(typeof OPTIONAL_INTS)[number], number> = {
  maxQueriesPerCaller: 1,
  maxStoreBytes: 1,
  requestTimeoutMs: 1,
  drainMs: 0,
};

export const HUB_DEFAULTS = {
  port: 8100,
  siteTimeoutMs: 60_000,
  maxQueries: 1000,
  queryTtlS: 3600,
} as const;

/** What `fedomop hub` was asked for on its command line. */
export interface HubCliConfig {
  config: HubConfig;
  devInsecure: boolean;
  help: boolean;
}

const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function invalid(message: string): FedomopError {
  return new FedomopError('ERR_CONFIG_INVALID', message);
}

export function checkSiteId(id: unknown, where: string): string {
  if (typeof id !== 'string' || !SITE_ID.test(id)) {
    throw invalid(`${where}: site id must be 1-64 letters, digits, '-' or '_' (got ${JSON.stringify(id)})`);
  }
  if (id === POOLED_SITE) throw invalid(`${where}: site id "${POOLED_SITE}" is reserved for the pooled result`);
  return id;
}

export function normalizeSiteUrl(url: unknown, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw invalid(`${where}: not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`${where}: site URL must be http:// or https:// (got ${parsed.protocol})`);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw invalid(`${where}: site URL must not carry a query, fragment or credentials`);
  }
  // A base path is allowed (a site behind a proxy prefix); the trailing slash is not, so paths join cleanly.
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

function positiveInt(value: unknown, where: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${where} must be an integer ≥ ${min} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function intFlag(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw invalid(`--${flag} must be a whole number (got ${JSON.stringify(value)})`);
  return positiveInt(Number(value), `--${flag}`, min);
}

function port(value: number, where: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw invalid(`${where} must be a port number 0-65535`);
  return value;
}

/** Checks and completes a config given in code (startHub) or merged from file and flags. */
export function normalizeHubConfig(input: Partial<HubConfig> & { sites: SiteConfig[] }): HubConfig {
  const seen = new Set<string>();
  const sites = input.sites.map((s, i) => {
    const where = `sites[${i}]`;
    const id = checkSiteId(s.id, where);
    if (seen.has(id)) throw invalid(`${where}: duplicate site id "${id}"`);
    seen.add(id);
    const site: SiteConfig = { id, url: normalizeSiteUrl(s.url, `${where} (${id})`) };
    if (s.name !== undefined) site.name = String(s.name);
    if (s.timeoutMs !== undefined) site.timeoutMs = positiveInt(s.timeoutMs, `${where}.timeout_ms`);
    return site;
  });
  if (sites.length === 0) {
    throw invalid('no sites configured: pass --site <id>=<url> (repeatable) or add [[sites]] entries to the config file');
  }
  return {
    host: input.host,
    port: port(input.port ?? HUB_DEFAULTS.port, 'port'),
    siteTimeoutMs: positiveInt(input.siteTimeoutMs ?? HUB_DEFAULTS.siteTimeoutMs, 'site_timeout_ms'),
    maxQueries: positiveInt(input.maxQueries ?? HUB_DEFAULTS.maxQueries, 'max_queries'),
    queryTtlS: positiveInt(input.queryTtlS ?? HUB_DEFAULTS.queryTtlS, 'query_ttl_s'),
    sites,
    ...(input.auditLog !== undefined && { auditLog: input.auditLog }),
    ...(input.auth !== undefined && { auth: input.auth }),
    ...Object.fromEntries(
      OPTIONAL_INTS.filter((k) => input[k] !== undefined).map((k) => [k, positiveInt(input[k], k, OPTIONAL_MIN[k])]),
    ),
  };
}

// ---- TOML ----

const HUB_KEYS: Record<string, keyof HubConfig> = {
  host: 'host',
  port: 'port',
  site_timeout_ms: 'siteTimeoutMs',
  max_queries: 'maxQueries',
  query_ttl_s: 'queryTtlS',
  audit_log: 'auditLog',
  max_queries_per_caller: 'maxQueriesPerCaller',
  max_store_bytes: 'maxStoreBytes',
  request_timeout_ms: 'requestTimeoutMs',
  drain_ms: 'drainMs',
};
const SITE_KEYS = new Set(['id', 'url', 'name', 'timeout_ms']);

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses hub.toml into a partial config (unset keys stay undefined so flags and defaults can fill them). */
export function parseHubToml(text: string, source = 'hub.toml'): Partial<HubConfig> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new FedomopError('ERR_CONFIG_INVALID', `${source}: ${(err as Error).message.trim()}`, {}, { cause: err });
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'hub' && key !== 'sites' && key !== 'auth') {
      throw invalid(`${source}: unknown section or key "${key}" (expected [hub], [auth] and [[sites]])`);
    }
  }
  const out: Partial<HubConfig> = {};
  if (doc.auth !== undefined) out.auth = parseAuthTable(doc.auth, source, HUB_AUTH_KEYS);
  const hub = doc.hub ?? {};
  if (!isTable(hub)) throw invalid(`${source}: [hub] must be a table`);
  for (const [key, value] of Object.entries(hub)) {
    const field = HUB_KEYS[key];
    if (!field) throw invalid(`${source}: unknown key hub.${key} (known: ${Object.keys(HUB_KEYS).join(', ')})`);
    if (field === 'host' || field === 'auditLog') {
      if (typeof value !== 'string' || value === '') throw invalid(`${source}: hub.${key} must be a non-empty string`);
      out[field] = value;
    } else if (field === 'port') {
      out.port = port(value as number, `${source}: hub.port`);
    } else {
      (out as Record<string, unknown>)[field] = positiveInt(value, `${source}: hub.${key}`, field === 'drainMs' ? 0 : 1);
    }
  }
  if (doc.sites !== undefined) {
    if (!Array.isArray(doc.sites)) throw invalid(`${source}: sites must be an array of tables ([[sites]])`);
    out.sites = doc.sites.map((entry, i) => {
      const where = `${source}: sites[${i}]`;
      if (!isTable(entry)) throw invalid(`${where} must be a table`);
      for (const key of Object.keys(entry)) {
        if (!SITE_KEYS.has(key)) throw invalid(`${where}: unknown key "${key}" (known: ${[...SITE_KEYS].join(', ')})`);
      }
      if (typeof entry.url !== 'string') throw invalid(`${where}: url is required`);
      if (entry.name !== undefined && typeof entry.name !== 'string') throw invalid(`${where}: name must be a string`);
      const site: SiteConfig = { id: checkSiteId(entry.id, where), url: normalizeSiteUrl(entry.url, where) };
      if (entry.name !== undefined) site.name = entry.name as string;
      if (entry.timeout_ms !== undefined) site.timeoutMs = positiveInt(entry.timeout_ms, `${where}.timeout_ms`);
      return site;
    });
  }
  return out;
}

// ---- flags ----

export const HUB_USAGE = `usage: fedomop hub [--config hub.toml] [--port 8100] [--host H]
                   [--site <id>=<url>]... [--site-timeout-ms 60000]
                   [--max-queries 1000] [--query-ttl-s 3600] [--audit-log - | file.jsonl]
                   [--max-queries-per-caller 100] [--max-store-bytes 268435456]
                   [--request-timeout-ms 30000] [--drain-ms 10000]
                   [--issuer URL [--audience A]... [--client-id C]... [--envelope-key FILE]] | [--dev-insecure]

  --site may be repeated; a flag site with the id of a [[sites]] entry replaces its URL.
  --audit-log: one JSON line per query (default "-", standard output).
  --issuer: verify callers' tokens against this OIDC issuer (docs/auth.md); --envelope-key: the private
  ES256 JWK the hub signs site envelopes with (default: a fresh key per start, published at /v1/keys).
  Flags override the config file.`;

interface HubFlags {
  configPath?: string;
  host?: string;
  port?: number;
  siteTimeoutMs?: number;
  maxQueries?: number;
  queryTtlS?: number;
  auditLog?: string;
  maxQueriesPerCaller?: number;
  maxStoreBytes?: number;
  requestTimeoutMs?: number;
  drainMs?: number;
  sites: Array<{ id: string; url: string }>;
  auth: AuthSettings;
  devInsecure: boolean;
  help: boolean;
}

export function parseHubFlags(argv: string[]): HubFlags {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        site: { type: 'string', multiple: true },
        'site-timeout-ms': { type: 'string' },
        'max-queries': { type: 'string' },
        'query-ttl-s': { type: 'string' },
        'audit-log': { type: 'string' },
        'max-queries-per-caller': { type: 'string' },
        'max-store-bytes': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'drain-ms': { type: 'string' },
        'dev-insecure': { type: 'boolean' },
        issuer: { type: 'string' },
        audience: { type: 'string', multiple: true },
        'client-id': { type: 'string', multiple: true },
        'envelope-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new FedomopError('ERR_CONFIG_INVALID', (err as Error).message, {}, { cause: err });
  }
  const sites = ((values.site as string[] | undefined) ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw invalid(`--site expects <id>=<url> (got ${JSON.stringify(spec)})`);
    const id = checkSiteId(spec.slice(0, eq), '--site');
    return { id, url: normalizeSiteUrl(spec.slice(eq + 1), `--site ${id}`) };
  });
  const host = values.host as string | undefined;
  if (host === '') throw invalid('--host must not be empty');
  const portFlag = intFlag(values.port as string | undefined, 'port', 0);
  const auditLog = values['audit-log'] as string | undefined;
  if (auditLog === '') throw invalid('--audit-log must be "-" (standard output) or a file path');
  return {
    configPath: values.config as string | undefined,
    host,
    port: portFlag === undefined ? undefined : port(portFlag, '--port'),
    siteTimeoutMs: intFlag(values['site-timeout-ms'] as string | undefined, 'site-timeout-ms'),
    maxQueries: intFlag(values['max-queries'] as string | undefined, 'max-queries'),
    queryTtlS: intFlag(values['query-ttl-s'] as string | undefined, 'query-ttl-s'),
    auditLog,
    maxQueriesPerCaller: intFlag(values['max-queries-per-caller'] as string | undefined, 'max-queries-per-caller'),
    maxStoreBytes: intFlag(values['max-store-bytes'] as string | undefined, 'max-store-bytes'),
    requestTimeoutMs: intFlag(values['request-timeout-ms'] as string | undefined, 'request-timeout-ms'),
    drainMs: intFlag(values['drain-ms'] as string | undefined, 'drain-ms', 0),
    sites,
    auth: {
      issuer: values.issuer as string | undefined,
      audiences: values.audience as string[] | undefined,
      clientIds: values['client-id'] as string[] | undefined,
      envelopeKey: values['envelope-key'] as string | undefined,
    },
    devInsecure: values['dev-insecure'] === true,
    help: values.help === true,
  };
}

const authOrNone = (auth: AuthSettings) => (Object.values(auth).some((v) => v !== undefined) ? auth : undefined);

/** File first, then flags on top; a flag site replaces the file's URL for that id and keeps its other keys. */
export function mergeHubConfig(file: Partial<HubConfig>, flags: HubFlags): HubConfig {
  const sites = (file.sites ?? []).map((s) => ({ ...s }));
  const flagged = new Set<string>();
  for (const f of flags.sites) {
    if (flagged.has(f.id)) throw invalid(`--site ${f.id} given twice`);
    flagged.add(f.id);
    const existing = sites.find((s) => s.id === f.id);
    if (existing) existing.url = f.url;
    else sites.push({ id: f.id, url: f.url });
  }
  const pick = <T>(flag: T | undefined, fromFile: T | undefined): T | undefined => (flag !== undefined ? flag : fromFile);
  return normalizeHubConfig({
    host: pick(flags.host, file.host),
    port: pick(flags.port, file.port),
    siteTimeoutMs: pick(flags.siteTimeoutMs, file.siteTimeoutMs),
    maxQueries: pick(flags.maxQueries, file.maxQueries),
    queryTtlS: pick(flags.queryTtlS, file.queryTtlS),
    // The command line always keeps an audit log: standard output unless told otherwise.
    auditLog: pick(flags.auditLog, file.auditLog) ?? '-',
    maxQueriesPerCaller: pick(flags.maxQueriesPerCaller, file.maxQueriesPerCaller),
    maxStoreBytes: pick(flags.maxStoreBytes, file.maxStoreBytes),
    requestTimeoutMs: pick(flags.requestTimeoutMs, file.requestTimeoutMs),
    drainMs: pick(flags.drainMs, file.drainMs),
    sites,
    auth: authOrNone(mergeAuth(file.auth ?? {}, flags.auth)),
  });
}

/** Everything `fedomop hub <argv>` needs; throws ERR_CONFIG_INVALID with a message fit for a terminal. */
export function loadHubConfig(argv: string[], readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): HubCliConfig {
  const flags = parseHubFlags(argv);
  if (flags.help)
    return { config: { port: 0, siteTimeoutMs: 1, maxQueries: 1, queryTtlS: 1, sites: [] }, devInsecure: false, help: true };
  let file: Partial<HubConfig> = {};
  if (flags.configPath !== undefined) {
    let text: string;
    try {
      text = readFile(flags.configPath);
    } catch (err) {
      throw new FedomopError(
        'ERR_CONFIG_INVALID',
        `cannot read config file ${flags.configPath}: ${(err as Error).message}`,
        {},
        { cause: err },
      );
    }
    file = parseHubToml(text, flags.configPath);
  }
  return { config: mergeHubConfig(file, flags), devInsecure: flags.devInsecure, help: false };
}
