/**
 * Live counts against a stand-in hub over real HTTP: nothing is sent until the pause is over, an edit
 * during a run cancels that run at the hub (DELETE /v1/queries/{id}), and the funnel shows the
 * newest run's steps, keeping the old ones on screen until new ones arrive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResultRow } from '../../arrow/result-schema.js';
import type { CirceExpression } from '../../circe/types.js';
import { HubClient } from '../../client/index.js';
import { startStandInHub } from '../../kernel/testing/stand-in-hub.js';
import { LiveCounts } from './live-counts.js';

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = { value: null, lower: 0, upper: 4, suppressed: true };
const steps = (site: string, counts: Array<number | null>): ResultRow[] =>
  counts.map((n, i) => ({
    site,
    dims: { rule_index: i, rule_name: ['qualifying events', 'Age', 'PSA'][i] },
    measures: { persons: n === null ? hidden : exact(n), events: n === null ? hidden : exact(n) },
  }));

const cohort = (age: number): CirceExpression => ({
  ConceptSets: [],
  PrimaryCriteria: { CriteriaList: [{ Death: {} }] },
  InclusionRules: [{ name: 'Age', expression: { Type: 'ALL', DemographicCriteriaList: [{ Age: { Value: age, Op: 'gte' } }] } }],
});

/** Polls for an outcome (never a time limit of its own: the test runner's timeout applies). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await sleep(5);
}

test('counts after the pause; a newer edit cancels the run before it at the hub', async () => {
  const hub = await startStandInHub({
    analysis: { kind: 'attrition' },
    sites: [
      { id: 'north', rows: steps('north', [40, 30, null]) },
      { id: 'south', rows: steps('south', [10, 8, 6]) },
    ],
    pooled: steps('pooled', [50, 38, 9]),
    manual: true,
  });
  const counts = new LiveCounts({ hub: () => new HubClient({ baseUrl: hub.url }), sites: () => ['north', 'south'], delayMs: 30 });
  const posts = () => hub.requests.filter((r) => r.method === 'POST').length;
  try {
    counts.schedule(cohort(50), null);
    assert.equal(counts.phase, 'waiting');
    counts.schedule(cohort(55), null);
    await sleep(10);
    assert.equal(hub.requests.filter((r) => r.method === 'POST').length, 0, 'typing: nothing sent yet');
    await until(() => posts() === 1 && counts.current?.view.phase === 'running');
    await sleep(100);
    assert.equal(posts(), 1, 'one query for two quick edits');
    assert.equal(counts.phase, 'running');

    counts.schedule(cohort(60), null);
    await until(() => posts() === 2 && hub.requests.some((r) => r.method === 'DELETE'));
    const deletes = hub.requests.filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 1, 'the superseded run is cancelled at the hub');
    assert.equal(counts.cancelled, 1);
    assert.equal(hub.requests.filter((r) => r.method === 'POST').length, 2);

    // The stand-in keeps stepping a cancelled query too, so release until the newest run is done.
    await until(() => {
      hub.release();
      return counts.phase === 'done';
    });
    assert.equal(counts.phase, 'done');
    assert.equal(counts.stale, false);
    const table = counts.table;
    assert.deepEqual(
      table.columns.map((c) => c.key),
      ['north', 'south', 'pooled'],
    );
    assert.deepEqual(
      table.steps.map((s) => [s.name, s.cells.north.persons.text, s.cells.pooled.persons.text]),
      [
        ['qualifying events', '40', '50'],
        ['Age', '30', '38'],
        ['PSA', '0–4', '9'],
      ],
      'a withheld count stays an interval',
    );

    counts.schedule(cohort(61), null);
    assert.equal(counts.stale, true, 'the old counts stay on screen, marked stale');
    counts.schedule(cohort(61), 'fix the problems first');
    assert.equal(counts.phase, 'idle');
    assert.equal(counts.hint, 'fix the problems first');
  } finally {
    counts.dispose();
    await hub.close();
  }
});
