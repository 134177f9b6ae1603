/**
 * What the UI tests' back ends (start-backend.mjs, start-secure-backend.mjs) share: running the
 * fedomop CLI to the end or as a service, generating the demo sites' DuckDB files once, and stopping
 * every child on SIGTERM/SIGINT (or when one of them dies).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = path.join(root, '.data', 'ui-tests');
const cli = path.join(root, 'bin', 'fedomop.js');
export const { DEMO_SITES } = await import(path.join(root, 'lib', 'cli', 'demo-command.js'));
const { removeSynthFile, stampSynthFile, synthFileIsCurrent } = await import(path.join(root, 'lib', 'synth', 'format-stamp.js'));

const children = [];
let stopping = false;

export function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

/** `fedomop <args>` to the end. */
export function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fedomop ${args.join(' ')} exited with ${code}`))));
  });
}

/** `fedomop <args>` as a service: resolves once it says it listens; its death stops the back end. */
export function serve(args) {
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

/** The demo's synthetic site (same seed, profile and size as `fedomop demo`), generated once. */
export async function synthOnce(s, file) {
  // Generated once, and again when an older generator wrote it (e.g. before the era tables).
  if (synthFileIsCurrent(file)) return;
  removeSynthFile(file);
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
    file,
  ]);
  stampSynthFile(file);
}

/** A fresh audit log per test run: a chain left by an earlier run (or an older format) is not continued. */
export function freshAuditLog(file) {
  rmSync(file, { force: true });
  return file;
}
