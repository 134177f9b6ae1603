/** `fedomop hub` as a real child process: listen policy, bad config, start, SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startStandInSite, hangs } from './stand-in-site.spec-util.js';

/** A broken hub must fail a test, not hang the suite. */
const LIMIT = { timeout: 15_000 };

const COMMAND = fileURLToPath(new URL('../cli/hub-command.js', import.meta.url));
const RUNNER = `const { hubCommand } = await import(${JSON.stringify(COMMAND)}); process.exitCode = await hubCommand(process.argv.slice(1));`;

function runHub(args: string[]) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit').then(([code]) => code as number);
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(stdout.slice(0, nl));
    });
    void exited.then(() => reject(new Error(`exited before printing: ${stderr}`)));
  });
  line.catch(() => {}); // only the tests that expect a start await it
  return { child, exited, line, output: () => ({ stdout, stderr }) };
}

test('without --dev-insecure the hub refuses to start (auth is not configurable yet), exit code 2', LIMIT, async () => {
  const hub = runHub(['--port', '0', '--site', 'north=http://127.0.0.1:9']);
  assert.equal(await hub.exited, 2);
  const { stdout, stderr } = hub.output();
  assert.equal(stdout, '');
  assert.match(stderr, /^fedomop hub: token verification is not configured/);
  assert.match(stderr, /--dev-insecure/);
});

test('--dev-insecure on a non-loopback host is refused, exit code 2', LIMIT, async () => {
  const hub = runHub(['--port', '0', '--host', '0.0.0.0', '--site', 'north=http://127.0.0.1:9', '--dev-insecure']);
  assert.equal(await hub.exited, 2);
  assert.match(hub.output().stderr, /loopback only; refusing host 0\.0\.0\.0/);
});

test('a bad config is a clear message and exit code 2', LIMIT, async () => {
  const hub = runHub(['--port', '0', '--site', 'north', '--dev-insecure']);
  assert.equal(await hub.exited, 2);
  assert.match(hub.output().stderr, /^fedomop hub: --site expects <id>=<url> \(got "north"\)\n$/);
});

test(
  'with --dev-insecure it starts, says where it listens, serves, and exits 0 on SIGTERM, aborting site calls',
  LIMIT,
  async (t) => {
    const north = await startStandInSite('north', hangs);
    t.after(() => north.close());
    const hub = runHub(['--port', '0', '--site', `north=${north.url}`, '--site', `south=${north.url}`, '--dev-insecure']);
    t.after(() => hub.child.kill('SIGKILL'));
    const line = await hub.line;
    const match = /^fedomop hub listening on (http:\/\/127\.0\.0\.1:\d+) \(sites: north, south\)$/.exec(line);
    assert.ok(match, line);
    assert.match(hub.output().stderr, /WARNING: fedomop hub is running with --dev-insecure/);
    const url = match[1];
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
    const plan = {
      version: 1,
      cohort: {
        ConceptSets: [],
        PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }], PrimaryCriteriaLimit: { Type: 'First' } },
      },
      analysis: { kind: 'count' },
    };
    const posted = await fetch(`${url}/v1/queries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan, sites: ['north'] }),
    });
    assert.equal(posted.status, 202);
    hub.child.kill('SIGTERM');
    assert.equal(await hub.exited, 0);
    await north.executeAborted;
    await assert.rejects(fetch(`${url}/healthz`));
  },
);
