/**
 * Site configuration from flags alone (`fedomop site --db site.duckdb --id north --port 8101`) or a
 * site.toml that adds the rest; flags win over the file.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import type { DisclosurePolicy } from '../disclosure/index.js';
import { disclosureFrom } from './disclosure-config.js';
import { defaultConcurrency } from './limiter.js';
import { FedomopError } from '../errors.js';
import { mergeAuth, parseAuthTable, type AuthSettings } from '../auth/config.js';
import { HTTP_DEFAULTS, type HttpLimits } from '../node/http-hardening.js';

export type DatabaseConfig =
  { kind: 'duckdb'; path: string; threads?: number } | { kind: 'postgres'; url: string; schema?: string };

export interface SiteConfig {
  id: string;
  name: string;
  host?: string;
  port: number;
  devInsecure: boolean;
  database: DatabaseConfig;
  disclosure: DisclosurePolicy;
  /** Per-user release histories (one JSON-lines file per user). */
  historyDir: string;
  /** The site's secret for persons' record keys; created with mode 0600 when absent. */
  secretFile: string;
  /** Queries beyond this many wait; beyond twice this many the site answers 429. */
  maxConcurrentQueries: number;
  queryTimeoutMs: number;
  /** The audit log: `-` for standard output, or a file appended to. */
  auditLog: string;
  /** Token verification, policy and hub envelopes (`[auth]`, --issuer ...); no issuer = none (only with --dev-insecure). */
  auth: AuthSettings;
  /** HTTP timeouts (src/node/http-hardening.ts); unset ones take HTTP_DEFAULTS. */
  http?: Partial<Pick<HttpLimits, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>>;
  /** On SIGTERM, how long running plans may finish before they are interrupted (default 10000 ms). */
  drainMs?: number;
}

export const SITE_USAGE = `usage: fedomop site --db <site.duckdb | postgres://...> --id <site-id> [--port 8101] [--host 127.0.0.1]
                    [--config site.toml] [--name "North Hospital"] [--min-cell-count 5]
                    [--disclosure-profile standard|strict|exact] [--history-dir DIR] [--secret-file FILE]
                    [--max-concurrent N] [--query-timeout-ms 300000] [--audit-log - | file.jsonl]
                    [--request-timeout-ms 30000] [--drain-ms 10000]
                    [--issuer URL --policy FILE (--hub-keys URL|FILE | --allow-direct)]
                    [--audience A]... [--client-id C]... | [--dev-insecure]`;

const SITE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function bad(message: string): never {
  throw new FedomopError('ERR_CONFIG_INVALID', message);
}

function int(value: unknown, name: string, min: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    bad(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function databaseFrom(db: string | undefined, table: Record<string, unknown>): DatabaseConfig {
  const target = db ?? (table.url as string | undefined) ?? (table.path as string | undefined);
  if (!target) bad('no database: pass --db <file.duckdb or postgres URL> or set [database] path/url in the config');
  if (/^postgres(ql)?:\/\//.test(target)) return { kind: 'postgres', url: target, schema: table.schema as string | undefined };
  return {
    kind: 'duckdb',
    path: target,
    threads: table.threads === undefined ? undefined : int(table.threads, 'database.threads', 1),
  };
}

function auditTarget(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value !== 'string' || value === '') bad('audit log must be "-" (standard output) or a file path');
  return value;
}

export async function loadSiteConfig(argv: string[]): Promise<SiteConfig> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        id: { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        config: { type: 'string' },
        'min-cell-count': { type: 'string' },
        'disclosure-profile': { type: 'string' },
        'history-dir': { type: 'string' },
        'secret-file': { type: 'string' },
        'max-concurrent': { type: 'string' },
        'query-timeout-ms': { type: 'string' },
        'audit-log': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'drain-ms': { type: 'string' },
        'dev-insecure': { type: 'boolean', default: false },
        issuer: { type: 'string' },
        audience: { type: 'string', multiple: true },
        'client-id': { type: 'string', multiple: true },
        policy: { type: 'string' },
        'hub-keys': { type: 'string' },
        'allow-direct': { type: 'boolean' },
      },
      strict: true,
    });
  } catch (err) {
    bad(`${(err as Error).message}\n${SITE_USAGE}`);
  }
  const f = parsed.values;
  let file: Record<string, Record<string, unknown>> = {};
  if (f.config) {
    let text: string;
    try {
      text = await readFile(f.config, 'utf8');
    } catch {
      bad(`cannot read config file ${f.config}`);
    }
    try {
      file = parseToml(text) as typeof file;
    } catch (err) {
      bad(`config file ${f.config} is not valid TOML: ${(err as Error).message}`);
    }
  }
  const site = file.site ?? {};
  const disclosure = file.disclosure ?? {};
  const id = f.id ?? (site.id as string | undefined);
  if (!id) bad(`no site id: pass --id or set [site] id\n${SITE_USAGE}`);
  if (!SITE_ID.test(id)) bad(`site id "${id}" must be lower-case letters, digits, - or _ (and not "pooled")`);
  if (id === 'pooled') bad('site id "pooled" is reserved for pooled results');
  const database = databaseFrom(f.db, file.database ?? {});
  const policy = disclosureFrom(f['disclosure-profile'], f['min-cell-count'], disclosure, bad);
  const historyDir =
    f['history-dir'] ??
    (disclosure.history_dir as string | undefined) ??
    (database.kind === 'duckdb' ? `${database.path}.disclosure` : `fedomop-site-${id}.disclosure`);
  return {
    id,
    name: f.name ?? (site.name as string | undefined) ?? id,
    host: f.host ?? (site.host as string | undefined),
    port: int(f.port ?? site.port ?? 8101, 'port', 0),
    devInsecure: f['dev-insecure'] === true || site.dev_insecure === true,
    database,
    disclosure: policy,
    historyDir,
    secretFile: f['secret-file'] ?? (disclosure.secret_file as string | undefined) ?? `${historyDir}/site.secret`,
    maxConcurrentQueries: int(
      f['max-concurrent'] ?? site.max_concurrent_queries ?? defaultConcurrency(),
      'max concurrent queries',
      1,
    ),
    queryTimeoutMs: int(f['query-timeout-ms'] ?? site.query_timeout_ms ?? 300_000, 'query timeout', 1),
    auditLog: auditTarget(f['audit-log'] ?? site.audit_log),
    auth: mergeAuth(
      parseAuthTable(file.auth, f.config ?? 'site.toml', [
        'issuer',
        'audiences',
        'clientIds',
        'algorithms',
        'clockSkewS',
        'opaqueCacheS',
        'policy',
        'hubKeys',
        'allowDirect',
      ]),
      {
        issuer: f.issuer,
        audiences: f.audience,
        clientIds: f['client-id'],
        policy: f.policy,
        hubKeys: f['hub-keys'],
        allowDirect: f['allow-direct'],
      },
    ),
    http: {
      requestTimeoutMs: int(
        f['request-timeout-ms'] ?? site.request_timeout_ms ?? HTTP_DEFAULTS.requestTimeoutMs,
        'request timeout',
        1,
      ),
      headersTimeoutMs: int(site.headers_timeout_ms ?? HTTP_DEFAULTS.headersTimeoutMs, 'headers timeout', 1),
      keepAliveTimeoutMs: int(site.keep_alive_timeout_ms ?? HTTP_DEFAULTS.keepAliveTimeoutMs, 'keep-alive timeout', 1),
    },
    drainMs: int(f['drain-ms'] ?? site.drain_ms ?? 10_000, 'drain time', 0),
  };
}
