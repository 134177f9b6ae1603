#!/usr/bin/env node
/**
 * The authenticated back end of the sign-in UI test (tests/sign-in.spec.ts): a real `fedomop dev-idp`,
 * two of the demo sites (north, south: the same DuckDB files start-backend.mjs generates, opened
 * read-only) verifying tokens against it with the repository's demo policy and accepting only the hub's
 * envelopes, and a hub verifying tokens too. Nothing here runs with --dev-insecure.
 *
 * Ports: FEDOMOP_UI_PORT_BASE (default 8300) + 10 for the hub, + 11 and + 12 for the sites, + 20 for
 * the IdP, so it sits beside start-backend.mjs's insecure back end (base .. base + 9).
 * Prints "secure backend ready" once the hub answers; SIGTERM/SIGINT stop every child.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'bin', 'fedomop.js');
const { DEMO_SITES } = await import(path.join(root, 'lib', 'cli', 'demo-command.js'));

const base = Number(process.env.FEDOMOP_UI_PORT_BASE ?? 8300);
const hubPort = base + 10;
const idpPort = base + 20;
const dataDir = path.join(root, '.data', 'ui-tests');
const auditDir = path.join(dataDir, 'secure');
mkdirSync(auditDir, { recursive: true });
const policy = path.join(root, 'policy', 'demo-policy.toml');
const issuer = `http://127.0.0.1:${idpPort}`;
const hubUrl = `http://127.0.0.1:${hubPort}`;

const children = [];
let stopping = false;

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fedomop ${args.join(' ')} exited with ${code}`))));
  });
}

function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
      if (/listening on/.test(out)) resolve(child);
    });
    child.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`fedomop ${args[0]} exited with ${code}\n`);
        stop(1);
      }
      reject(new Error(`fedomop ${args[0]} exited with ${code}`));
    });
  });
}

try {
  const sites = DEMO_SITES.filter((s) => s.id === 'north' || s.id === 'south').map((s, i) => ({
    ...s,
    port: base + 11 + i,
    file: path.join(dataDir, `${s.id}.duckdb`),
  }));
  // playwright.config.js starts this after start-backend.mjs is up, so the files exist by then.
  for (const s of sites) {
    if (!existsSync(s.file)) {
      await run([
        'synth',
        '--seed',
        String(s.seed),
        '--persons',
        String(s.persons),
        '--profile',
        s.profile,
        '--site-name',
        s.name,
        '--out',
        s.file,
      ]);
    }
  }
  await serve(['dev-idp', '--port', String(idpPort)]);
  await Promise.all(
    sites.map((s) =>
      serve([
        'site',
        '--db',
        s.file,
        '--id',
        s.id,
        '--name',
        s.name,
        '--port',
        String(s.port),
        '--issuer',
        issuer,
        '--policy',
        policy,
        '--hub-keys',
        `${hubUrl}/v1/keys`,
        '--audit-log',
        path.join(auditDir, `${s.id}.audit.jsonl`),
      ]),
    ),
  );
  await serve([
    'hub',
    '--port',
    String(hubPort),
    '--issuer',
    issuer,
    '--audit-log',
    path.join(auditDir, 'hub.audit.jsonl'),
    ...sites.flatMap((s) => ['--site', `${s.id}=http://127.0.0.1:${s.port}`]),
  ]);
  process.stdout.write(`secure backend ready: hub ${hubUrl}, issuer ${issuer}\n`);
} catch (err) {
  process.stderr.write(`start-secure-backend: ${err?.message ?? err}\n`);
  stop(1);
}
