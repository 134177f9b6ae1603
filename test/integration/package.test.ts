/**
 * The npm package as a researcher's project gets it: packed from this checkout, installed from the
 * tarball into an empty project (dependencies from the registry, as anyone would), then imported by
 * its bare name and run as a CLI. Catches what a green run in the repository hides: a file the
 * package leaves out, an entry point nobody exported, test code shipped, a dependency range that
 * resolves to something untested (danfojs ^1.1.2 meant 1.2.0, which fetches a tarball from outside
 * the registry).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from '../harness/processes.js';

interface PackageJson {
  dependencies: Record<string, string>;
  exports: Record<string, string>;
  bin: Record<string, string>;
  jupyterlab: { extension: string };
}

const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;
let project: string;
let packed: string[];

before(() => {
  project = mkdtempSync(path.join(tmpdir(), 'fedomop-package-'));
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: REPO, encoding: 'utf8' }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = info.files.map((f) => f.path);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'a-study', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${info.filename}`], {
    cwd: project,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
});

after(() => rmSync(project, { recursive: true, force: true }));

test('the package ships every entry point and no test code', () => {
  const targets = [
    ...Object.values(manifest.exports).filter((t) => !t.includes('*')),
    ...Object.values(manifest.bin),
    manifest.jupyterlab.extension,
  ].map((t) => t.replace(/^\.\//, ''));
  for (const t of targets) assert.ok(packed.includes(t), `${t} is an entry point but not in the package`);
  const testCode = packed.filter((p) => /\.spec\.|\.spec-util\.|\/testing\//.test(p));
  assert.deepEqual(testCode, []);
  assert.ok(packed.includes('spec/plan.schema.json'), 'the published plan schema');
});

test('runtime dependencies are pinned to the versions the tests ran with', () => {
  const ranged = Object.entries(manifest.dependencies).filter(([, v]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(v));
  assert.deepEqual(ranged, []);
  const installed = (name: string) =>
    (JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  for (const [name, version] of Object.entries(manifest.dependencies)) assert.equal(installed(name), version, name);
});

test('a project that installed the tarball imports "fedomop" by name and runs the CLI', () => {
  const script = `
    const kernel = await import('fedomop');
    const client = await import('fedomop/client');
    console.log(JSON.stringify({ connect: typeof kernel.connect, toDanfo: typeof kernel.toDanfo, HubClient: typeof client.HubClient }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { connect: 'function', toDanfo: 'function', HubClient: 'function' });
  const help = execFileSync(path.join(project, 'node_modules', '.bin', 'fedomop'), ['--help'], { encoding: 'utf8' });
  assert.match(help, /usage: fedomop <command>/);
  assert.match(help, /\bsite\b/);
  assert.match(help, /\bhub\b/);
});
