/**
 * The kernel library as a notebook uses it: a real Deno, the repo's deno.json, the bare specifier
 * "fedomop", against a STAND-IN hub (lib/kernel/testing/stand-in-hub.js, node:http under Deno). The
 * real hub is tested end to end elsewhere. Run with test/kernel/run.sh.
 */
import { connect, FedomopError, type KernelResult, type StatsResult } from 'fedomop';
import { startStandInHub } from '../../lib/kernel/testing/stand-in-hub.js';

// Types come from the compiled JS (Deno infers them), so they are derived rather than imported.
type StandInHubOptions = Parameters<typeof startStandInHub>[0];

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = { value: null, lower: 1, upper: 4, suppressed: true };

const hubOptions: StandInHubOptions = {
  analysis: { kind: 'crosstab', by: ['gender'] },
  token: 'notebook-token',
  delayMs: 5,
  sites: [
    {
      id: 'north',
      rows: [
        { site: 'north', dims: { gender: 'FEMALE' }, measures: { persons: exact(12), events: exact(30) } },
        { site: 'north', dims: { gender: 'MALE' }, measures: { persons: hidden, events: exact(7) } },
      ],
    },
    { id: 'south', error: { code: 'ERR_SITE_TIMEOUT', message: 'site did not answer in 30000 ms' } },
    {
      id: 'east',
      rows: [
        { site: 'east', dims: { gender: 'FEMALE' }, measures: { persons: exact(20), events: exact(41) } },
        { site: 'east', dims: { gender: 'MALE' }, measures: { persons: exact(9), events: exact(11) } },
      ],
    },
  ],
  pooled: [
    { site: 'pooled', dims: { gender: 'FEMALE' }, measures: { persons: exact(32), events: exact(71) } },
    {
      site: 'pooled',
      dims: { gender: 'MALE' },
      measures: { persons: { value: null, lower: 10, upper: 13, suppressed: true }, events: exact(18) },
    },
  ],
};

const plan = {
  version: 1 as const,
  cohort: { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } },
  analysis: { kind: 'crosstab' as const, by: ['gender' as const] },
};

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
function assertEquals(actual: unknown, expected: unknown, message: string) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}\n  actual:   ${a}\n  expected: ${e}`);
}

async function runAgainstStandIn(): Promise<{
  result: KernelResult | StatsResult;
  lines: string[];
  tokens: Array<string | undefined>;
}> {
  const hub = await startStandInHub(hubOptions);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    const session = await connect({ hub: hub.url, token: 'notebook-token' });
    const result = await session.run(plan);
    return { result, lines, tokens: hub.requests.map((r) => r.authorization) };
  } finally {
    console.log = log;
    await hub.close();
  }
}

Deno.test('run() over the stand-in hub: toDanfo() has one column per result column, numbers not BigInt', async () => {
  const { result, tokens } = await runAgainstStandIn();
  assert(
    tokens.every((t) => t === 'Bearer notebook-token'),
    'every request carried the token',
  );
  const df = await result.toDanfo();
  assertEquals(df.shape, [6, 10], '4 site rows + 2 pooled rows; site, gender, 2 x 4 measure columns');
  assertEquals(
    df.columns,
    [
      'site',
      'gender',
      'persons',
      'persons_lower',
      'persons_upper',
      'persons_suppressed',
      'events',
      'events_lower',
      'events_upper',
      'events_suppressed',
    ],
    'columns follow the Arrow schema',
  );
  assertEquals(df['site'].values, ['north', 'north', 'east', 'east', 'pooled', 'pooled'], 'sites then pooled');
  const persons = df['persons'].values as number[];
  assertEquals(
    persons.map((v) => (Number.isNaN(v) ? 'NaN' : v)),
    [12, 'NaN', 20, 9, 32, 'NaN'],
    'withheld counts are NaN',
  );
  assertEquals(df['persons_upper'].values, [12, 4, 20, 9, 32, 13], 'interval bounds as numbers');
  assert(typeof df['events'].values[0] === 'number', 'Int64 became number');
  assertEquals(
    df.dtypes,
    ['string', 'string', 'float32', 'int32', 'int32', 'boolean', 'int32', 'int32', 'int32', 'boolean'],
    'dtypes',
  );
  assertEquals(
    result.failures,
    [{ site: 'south', code: 'ERR_SITE_TIMEOUT', message: 'site did not answer in 30000 ms' }],
    'failures',
  );
});

Deno.test('Jupyter.display: an HTML table with intervals for withheld cells, pooled last, failures below', async () => {
  const { result } = await runAgainstStandIn();
  const bundle = (result as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
  const html = bundle['text/html'];
  assert(html.includes('<table'), 'an HTML table');
  assert(html.includes('1–4*'), 'the withheld north/MALE cell shows its interval 1–4');
  assert(html.includes('10–13*'), 'the withheld pooled cell shows its interval');
  assert(/title="withheld by disclosure control[^"]*">1–4\*/.test(html), 'withheld cell carries an explanatory title');
  assert(html.indexOf('fedomop-pooled') > html.lastIndexOf('>east<'), 'pooled rows come after the site rows');
  assert(html.includes('<b>south</b>') && html.includes('ERR_SITE_TIMEOUT'), 'the failed site is listed with its error');
  assert(bundle['text/plain'].includes('1–4*'), 'text/plain shows the interval too');
});

Deno.test('outside a kernel, progress goes to the console, one line per site state change', async () => {
  const { lines } = await runAgainstStandIn();
  for (const expected of ['north: running', 'north: done · 2 rows', 'south: failed', 'east: done · 2 rows']) {
    assert(
      lines.some((l) => l.includes(expected)),
      `a console line with "${expected}" in:\n${lines.join('\n')}`,
    );
  }
});

Deno.test('connect(): hub and token from FEDOMOP_CONFIG; a clear error naming all three places when nothing is set', async () => {
  const saved = Object.fromEntries(
    ['FEDOMOP_HUB_URL', 'FEDOMOP_TOKEN', 'FEDOMOP_CONFIG', 'HOME'].map((k) => [k, Deno.env.get(k)]),
  );
  const dir = await Deno.makeTempDir();
  const hub = await startStandInHub(hubOptions);
  try {
    for (const k of Object.keys(saved)) Deno.env.delete(k);
    Deno.env.set('HOME', dir);
    let err: unknown;
    try {
      await connect();
    } catch (e) {
      err = e;
    }
    assert(err instanceof FedomopError && err.code === 'ERR_CONFIG_INVALID', `ERR_CONFIG_INVALID, got ${err}`);
    for (const place of ['connect({ hub', 'FEDOMOP_HUB_URL', `${dir}/.fedomop/config.json`, 'FEDOMOP_CONFIG']) {
      assert((err as Error).message.includes(place), `the message names ${place}: ${(err as Error).message}`);
    }

    const file = `${dir}/fedomop.json`;
    await Deno.writeTextFile(file, JSON.stringify({ hub: hub.url, token: 'notebook-token' }));
    Deno.env.set('FEDOMOP_CONFIG', file);
    const session = await connect();
    assertEquals(session.hubSource, file, 'hub came from the config file');
    assertEquals(
      (await session.sites()).map((s: { id: string }) => s.id),
      ['north', 'south', 'east'],
      "sites() with the file's token",
    );
  } finally {
    await hub.close();
    for (const [k, v] of Object.entries(saved)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('fed.glm in Deno: the plan as asked, a StatsResult whose display holds the table and the forest plot', async () => {
  const { statsBatches } = await import('../../lib/kernel/testing/stats-tables.js');
  const est = (term: string, e: number, se: number) => ({
    site: 'pooled',
    term,
    estimate: e,
    std_error: se,
    statistic: e / se,
    p_value: 0.05,
    ci_lower: e - 1.96 * se,
    ci_upper: e + 1.96 * se,
  });
  const plans: unknown[] = [];
  const hub = await startStandInHub({
    ...hubOptions,
    sites: [{ id: 'north' }],
    pooled: [],
    plans,
    iterations: [{ round: 1, kind: 'glm', deviance: 40.5 }],
    table: statsBatches([est('(Intercept)', -1, 0.5), est('age', 0.03, 0.01)], {
      'fedomop.glm': JSON.stringify({ family: 'binomial', n: 120, iterations: 4, converged: true }),
    }),
  });
  const log = console.log;
  console.log = () => {};
  try {
    const fed = await connect({ hub: hub.url, token: 'notebook-token' });
    const variables = {
      age: { type: 'age_at_index' as const },
      dead: { type: 'death' as const, window: { start: 0, end: 365 } },
    };
    const result = await fed.glm(plan.cohort as never, { variables, family: 'binomial', outcome: 'dead', covariates: ['age'] });
    assertEquals(
      (plans[0] as { analysis: unknown }).analysis,
      { kind: 'glm', variables, family: 'binomial', outcome: 'dead', covariates: ['age'] },
      'plan',
    );
    const bundle = (await (result as unknown as Record<symbol, () => Promise<Record<string, unknown>>>)[
      Symbol.for('Jupyter.display')
    ]()) as Record<string, unknown>;
    const spec = bundle['application/vnd.vegalite.v5+json'] as { data: { values: Array<{ term: string; estimate: number }> } };
    assertEquals(
      spec.data.values.map((v) => v.term),
      ['age'],
      'forest plot without the intercept',
    );
    assert(Math.abs(spec.data.values[0].estimate - Math.exp(0.03)) < 1e-15, 'odds ratio');
    assert(String(bundle['text/html']).includes('<th>std_error</th>'), 'the table travels in the same bundle outside a kernel');
    const df = await result.toDanfo();
    assertEquals(df.columns.slice(0, 3), ['site', 'term', 'estimate'], 'danfojs frame');
  } finally {
    console.log = log;
    await hub.close();
  }
});
