import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { HUB_DEFAULTS, loadHubConfig, normalizeHubConfig, parseHubToml } from './config.js';

const noFile = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

function configError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FedomopError, `expected a FedomopError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_CONFIG_INVALID');
    assert.match(err.message, pattern);
    return true;
  });
}

test('flags alone configure a hub', () => {
  const cli = loadHubConfig(
    ['--port', '8100', '--site', 'north=http://127.0.0.1:8101', '--site', 'south=http://127.0.0.1:8102/', '--dev-insecure'],
    noFile,
  );
  assert.equal(cli.devInsecure, true);
  assert.deepEqual(cli.config, {
    host: undefined,
    port: 8100,
    siteTimeoutMs: HUB_DEFAULTS.siteTimeoutMs,
    maxQueries: HUB_DEFAULTS.maxQueries,
    queryTtlS: HUB_DEFAULTS.queryTtlS,
    // The command line always keeps an audit log, on standard output unless told otherwise.
    auditLog: '-',
    // The trailing slash is dropped so paths join cleanly.
    sites: [
      { id: 'north', url: 'http://127.0.0.1:8101' },
      { id: 'south', url: 'http://127.0.0.1:8102' },
    ],
  });
});

const TOML = `
[hub]
host = "127.0.0.1"
port = 9000
site_timeout_ms = 5000
max_queries = 10
query_ttl_s = 60
audit_log = "/var/log/fedomop/hub-audit.jsonl"

[[sites]]
id = "north"
url = "http://127.0.0.1:8101"
name = "North Hospital"
timeout_ms = 1234

[[sites]]
id = "south"
url = "https://south.example.org/fedomop"
`;

test('a TOML file configures everything', () => {
  const cli = loadHubConfig(['--config', 'hub.toml'], () => TOML);
  assert.equal(cli.devInsecure, false);
  assert.deepEqual(cli.config, {
    host: '127.0.0.1',
    port: 9000,
    siteTimeoutMs: 5000,
    maxQueries: 10,
    queryTtlS: 60,
    auditLog: '/var/log/fedomop/hub-audit.jsonl',
    sites: [
      { id: 'north', url: 'http://127.0.0.1:8101', name: 'North Hospital', timeoutMs: 1234 },
      { id: 'south', url: 'https://south.example.org/fedomop' },
    ],
  });
});

test("flags override the file; a flag site replaces that site's URL and keeps its other keys", () => {
  const cli = loadHubConfig(
    [
      '--config',
      'hub.toml',
      '--port',
      '9100',
      '--site-timeout-ms',
      '777',
      '--site',
      'north=http://127.0.0.1:9101',
      '--site',
      'east=http://127.0.0.1:9103',
    ],
    () => TOML,
  );
  assert.equal(cli.config.port, 9100);
  assert.equal(cli.config.siteTimeoutMs, 777);
  assert.equal(cli.config.maxQueries, 10, 'keys without a flag keep the file value');
  assert.deepEqual(cli.config.sites, [
    { id: 'north', url: 'http://127.0.0.1:9101', name: 'North Hospital', timeoutMs: 1234 },
    { id: 'south', url: 'https://south.example.org/fedomop' },
    { id: 'east', url: 'http://127.0.0.1:9103' },
  ]);
});

test('broken TOML is reported with the file name and position', () => {
  configError(() => loadHubConfig(['--config', 'bad.toml'], () => '[hub]\nport = \n'), /^bad\.toml: .*\n.*2:/s);
});

test('an unknown key is refused rather than silently ignored', () => {
  configError(() => parseHubToml('[hub]\nprot = 8100\n', 'hub.toml'), /unknown key hub\.prot/);
  configError(() => parseHubToml('[[sites]]\nid = "a"\nurl = "http://x"\nurll = "y"\n', 'hub.toml'), /unknown key "urll"/);
  configError(() => parseHubToml('[hub]\n[authz]\nissuer = "x"\n', 'hub.toml'), /unknown section or key "authz"/);
  configError(() => parseHubToml('[auth]\nisuer = "x"\n', 'hub.toml'), /unknown key auth\.isuer/);
  configError(() => parseHubToml('[auth]\npolicy = "p.toml"\n', 'hub.toml'), /unknown key auth\.policy/);
});

test('values of the wrong type or range are refused, naming the key', () => {
  configError(() => parseHubToml('[hub]\nport = "8100"\n'), /hub\.port must be a port number/);
  configError(() => parseHubToml('[hub]\nsite_timeout_ms = 0\n'), /hub\.site_timeout_ms must be an integer ≥ 1/);
  configError(() => loadHubConfig(['--port', 'eighty', '--site', 'a=http://x'], noFile), /--port must be a whole number/);
});

test('bad site specs are refused with the reason', () => {
  configError(() => loadHubConfig(['--site', 'north'], noFile), /--site expects <id>=<url>/);
  configError(() => loadHubConfig(['--site', 'north=ftp://x'], noFile), /must be http:\/\/ or https:\/\//);
  configError(() => loadHubConfig(['--site', 'no rth=http://x'], noFile), /site id must be/);
  configError(() => loadHubConfig(['--site', 'pooled=http://x'], noFile), /reserved for the pooled result/);
  configError(() => loadHubConfig(['--site', 'a=http://x', '--site', 'a=http://y'], noFile), /--site a given twice/);
  configError(
    () =>
      normalizeHubConfig({
        sites: [
          { id: 'a', url: 'http://x' },
          { id: 'a', url: 'http://y' },
        ],
      }),
    /duplicate site id "a"/,
  );
});

test('a hub without sites, an unknown flag, or an unreadable file is refused', () => {
  configError(() => loadHubConfig(['--port', '8100'], noFile), /no sites configured/);
  configError(() => loadHubConfig(['--prot', '8100'], noFile), /Unknown option '--prot'/);
  configError(
    () =>
      loadHubConfig(['--config', 'missing.toml'], () => {
        throw new Error('ENOENT: no such file or directory');
      }),
    /cannot read config file missing\.toml: ENOENT/,
  );
});

test('--help needs no sites', () => {
  assert.equal(loadHubConfig(['--help'], noFile).help, true);
});
