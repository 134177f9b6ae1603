/**
 * The Deno-kernel path for real: real sites and a real hub, the `fedomop-deno` kernelspec started by
 * jupyter_client as JupyterLab would, a cell that imports "fedomop" and runs a plan, and the
 * DataFrame it makes compared cell by cell with what the hub itself returns for the same plan.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { plainRows, runThroughHub } from '../harness/hub-api.js';

const PYTHON = path.join(REPO, '.venv', 'bin', 'python');
const sites: Service[] = [];
let hub: Service;

const PLAN = {
  version: 1,
  cohort: {
    ConceptSets: [
      { id: 0, name: 'prostate cancer', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
    ],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'First' } },
  },
  analysis: { kind: 'crosstab', by: ['age_group'] },
};

before(async () => {
  for (const spec of THREE_SITES.slice(0, 2)) {
    sites.push(await startService(['site', '--db', await siteFile(spec), '--id', spec.id, '--port', '0', '--dev-insecure']));
  }
  // "gone" points at a port nobody listens on: the kernel must show it as failed.
  hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    '--site',
    'gone=http://127.0.0.1:9',
    ...sites.flatMap((s, i) => ['--site', `${THREE_SITES[i].id}=${s.url}`]),
  ]);
});

after(async () => {
  await hub?.stop();
  await Promise.all(sites.map((s) => s.stop()));
});

function runKernelCheck(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [path.join(REPO, 'test', 'kernel', 'kernel_session_check.py')], {
      env: {
        ...process.env,
        FEDOMOP_HUB_URL: hub.url,
        FEDOMOP_CHECK_PLAN: JSON.stringify(PLAN),
        FEDOMOP_CHECK_DEAD_SITE: 'gone',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test(
  "a notebook cell on the fedomop-deno kernel gets the hub's numbers as a danfojs DataFrame",
  { skip: !existsSync(PYTHON) && 'needs .venv (scripts/setup.sh)' },
  async () => {
    const { code, out } = await runKernelCheck();
    assert.equal(code, 0, out);
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, out);
    const frame = JSON.parse(line.slice('RESULT '.length)) as { shape: [number, number]; columns: string[]; values: unknown[][] };

    const { table } = await runThroughHub(hub.url, PLAN);
    const expected = plainRows(table);
    assert.deepEqual(
      frame.columns,
      table.schema.fields.map((f) => f.name),
    );
    assert.deepEqual(frame.shape, [expected.length, table.schema.fields.length]);
    // Same cells, same numbers; danfojs holds a withheld (null) value as NaN, which JSON writes as null.
    // Site batches arrive in the order sites finish, so compare as sorted sets of rows.
    const order = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
    const asRows = frame.values.map((v) => Object.fromEntries(frame.columns.map((c, i) => [c, v[i]])));
    assert.deepEqual(order(asRows), order(expected));
    assert.ok(expected.some((r) => r.site === 'pooled'));
    assert.deepEqual([...new Set(expected.map((r) => r.site))].sort(), ['central', 'north', 'pooled']);
  },
);
