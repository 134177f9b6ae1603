import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ChartRow } from '../charts/index.js';
import type { Variables } from '../plan/types.js';
import { connect } from './session.js';
import { renderProgress } from './progress.js';
import { shownColumns } from './stats-table.js';
import { VEGA_LITE_MIME } from './vega-lite.js';
import { startStandInHub } from './testing/stand-in-hub.js';
import { statsBatches } from './testing/stats-tables.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/charts/${name}`, import.meta.url), 'utf8')) as {
    rows: ChartRow[];
    metadata: Record<string, string>;
    spec: Record<string, unknown>;
  };
const cohort = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } } as never;
const variables: Variables = {
  age: { type: 'age_at_index' },
  gender: { type: 'gender' },
  dead: { type: 'death', window: { start: 0, end: 365 } },
};

async function withHub<T>(
  rows: ChartRow[],
  metadata: Record<string, string>,
  fn: (url: string, plans: unknown[], lines: string[]) => Promise<T>,
  iterations?: Array<{ round: number; kind: string; deviance?: number }>,
): Promise<T> {
  const plans: unknown[] = [];
  const table = statsBatches(rows, metadata);
  const siteIds = Object.keys(table.batches).filter((s) => s !== 'pooled');
  const hub = await startStandInHub({
    analysis: { kind: 'count' },
    sites: siteIds.map((id) => ({ id })),
    pooled: [],
    table,
    iterations,
    plans,
    delayMs: 2,
  });
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    return await fn(hub.url, plans, lines);
  } finally {
    console.log = log;
    await hub.close();
  }
}

test('fed.glm: sends the glm plan as asked, shows the hub iterations, returns the forest plot and the metadata', async () => {
  const { rows, metadata, spec } = fixture('glm.json');
  const iterations = [1, 2, 3].map((round) => ({ round, kind: 'glm', deviance: 600 - round * 20.5 }));
  await withHub(
    rows,
    metadata,
    async (url, plans, lines) => {
      const fed = await connect({ hub: url });
      const result = await fed.glm(cohort, { variables, family: 'binomial', outcome: 'dead', covariates: ['age', 'gender'] });
      assert.deepEqual(plans, [
        {
          version: 1,
          cohort,
          analysis: { kind: 'glm', variables, family: 'binomial', outcome: 'dead', covariates: ['age', 'gender'] },
        },
      ]);
      assert.ok(lines.includes('[fedomop glm query] hub: glm iteration 3 · deviance 538.5'), lines.join('\n'));
      assert.equal(result.meta<{ iterations: number }>()?.iterations, 5);
      assert.deepEqual(JSON.parse(JSON.stringify(result.spec)), spec);
      const bundle = result.bundle();
      assert.deepEqual(bundle[VEGA_LITE_MIME], result.spec);
      assert.match(String(bundle['text/html']), /<th>term<\/th><th>estimate<\/th><th>std_error<\/th>/);
      assert.match(String(bundle['text/plain']), /genderMALE\s+0\.42\s+0\.15/);
      assert.deepEqual(
        result.toRows().map((r) => r.term),
        ['(Intercept)', 'age', 'genderMALE', 'psa'],
      );
    },
    iterations,
  );
});

test('fed.histogram: per-site and pooled bins; a withheld bin shows as its interval, never as a number', async () => {
  const { rows, metadata } = fixture('histogram.json');
  await withHub(rows, metadata, async (url, plans) => {
    const fed = await connect({ hub: url });
    const result = await fed.histogram(cohort, { variables, of: 'age', bins: 8 }, { quiet: true });
    assert.deepEqual((plans[0] as { analysis: unknown }).analysis, { kind: 'histogram', variables, of: 'age', bins: 8 });
    const text = String(result.bundle()['text/plain']);
    assert.match(text, /south\s+age\s+50\s+55\s+0–4\*/);
    assert.ok(!/persons_lower/.test(text), 'the interval columns fold into the value');
    assert.equal(result.kind, 'histogram');
    assert.equal((result.spec?.data as { values: unknown[] }).values.length, 8, 'the chart shows the pooled bins');
  });
});

test('fed.km and fed.summary build their plans; options left undefined are not sent', async () => {
  const { rows, metadata } = fixture('km.json');
  await withHub(rows, metadata, async (url, plans) => {
    const fed = await connect({ hub: url });
    const km = await fed.km(cohort, { variables, time: 'os', strata: 'gender', binDays: undefined }, { quiet: true });
    await fed.summary(cohort, { variables, of: ['age'] }, { quiet: true });
    assert.deepEqual(
      plans.map((p) => (p as { analysis: unknown }).analysis),
      [
        { kind: 'km', variables, time: 'os', strata: 'gender' },
        { kind: 'summary', variables, of: ['age'] },
      ],
    );
    assert.equal(km.meta<{ logrank: { p_value: number } }>()?.logrank.p_value, 0.0128);
    assert.match(JSON.stringify(km.spec), /log-rank p = 0.0128/);
  });
});

test('table columns: disclosure companions fold into their value; lone *_lower columns (ci_lower) stay', () => {
  assert.deepEqual(
    shownColumns([
      'site',
      'term',
      'estimate',
      'ci_lower',
      'ci_upper',
      'persons',
      'persons_lower',
      'persons_upper',
      'persons_suppressed',
    ]),
    ['site', 'term', 'estimate', 'ci_lower', 'ci_upper', 'persons'],
  );
});

test('progress: the hub iteration is a line of its own under the headline', () => {
  const bundle = renderProgress(
    'glm query',
    {
      queryId: 'q1',
      done: false,
      sites: { north: { state: 'running' } },
      iteration: { round: 4, kind: 'glm', deviance: 512.345678912 },
    },
    10,
  );
  assert.match(String(bundle['text/html']), /<div class="fedomop-iteration">glm iteration 4 · deviance 512.34568<\/div>/);
  assert.match(String(bundle['text/plain']), /^glm query: 0 of 1 sites answered\nglm iteration 4/);
});
