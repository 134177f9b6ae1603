#!/usr/bin/env node
/**
 * The back end the UI tests run against: the demo's three synthetic sites (same seeds, profiles and
 * sizes as `fedomop demo`, generated once into .data/ui-tests) as real site processes, plus a hub that
 * also lists a fourth site, "offline", whose port nothing listens on — the dead site.
 *
 * Ports are the demo's shifted by FEDOMOP_UI_PORT_BASE (default 8300: hub 8300, sites 8301-8303,
 * offline 8309) so a developer's running demo (8100-8103) does not collide with the tests.
 * Prints "backend ready" once the hub answers; SIGTERM/SIGINT stop every child.
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
const dataDir = path.join(root, '.data', 'ui-tests');
const offlinePort = base + 9;
mkdirSync(dataDir, { recursive: true });

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
  const sites = DEMO_SITES.map((s, i) => ({ ...s, port: base + 1 + i, file: path.join(dataDir, `${s.id}.duckdb`) }));
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
        '--dev-insecure',
        // Audit lines to a file beside the data, not into the test log.
        '--audit-log',
        path.join(dataDir, `${s.id}.audit.jsonl`),
      ]),
    ),
  );
  await serve([
    'hub',
    '--port',
    String(base),
    '--dev-insecure',
    '--audit-log',
    path.join(dataDir, 'hub.audit.jsonl'),
    ...sites.flatMap((s) => ['--site', `${s.id}=http://127.0.0.1:${s.port}`]),
    '--site',
    `offline=http://127.0.0.1:${offlinePort}`,
  ]);
  process.stdout.write(`backend ready: hub http://127.0.0.1:${base}\n`);
} catch (err) {
  process.stderr.write(`start-backend: ${err?.message ?? err}\n`);
  stop(1);
}
