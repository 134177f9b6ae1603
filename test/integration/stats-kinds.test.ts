/**
 * Issue 12's done-when test: three synthetic sites and a hub as real processes (exact disclosure
 * profile, k = 5), each analysis kind through the hub's HTTP API, compared with the same statistic
 * on the union of the three sites' person-level rows. The rows come from each site file directly
 * (the variables' SQL, run here on the files); every statistic on them is computed in this file
 * (test/harness/stats-reference.ts), never by src/stats.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { startFederation, type Federation } from '../harness/federation.js';
import { plainRows, postJson, runThroughHub, type PlainRow } from '../harness/hub-api.js';
import { THREE_SITES, type SiteSpec } from '../harness/sites.js';
import { directGlm, logRank2, meanSd, productLimit, type1Quantile, type Family } from '../harness/stats-reference.js';
import { COHORT } from '../../src/analysis/variables/fixtures.spec-util.js';
import { compileVariables, variableValuesQuery } from '../../src/analysis/variables/index.js';
import type { Variables } from '../../src/analysis/variables/index.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';

/** South is larger than THREE_SITES' so every stratum holds ≥ k deaths at every site. */
export const STATS_SITES: SiteSpec[] = [
  THREE_SITES[0],
  THREE_SITES[1],
  { id: 'south', seed: 44, persons: 8000, profile: 'regional' },
];

const VARIABLES: Variables = {
  age: { type: 'age_at_index' },
  sex: { type: 'gender' },
  visits: {
    type: 'count_occurrences',
    domain: 'visit',
    conceptSet: { items: [{ concept: { CONCEPT_ID: 9202 } }] },
    window: { start: -365, end: -1 },
  },
  died: { type: 'death', window: { start: 0, end: 365 } },
  os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
};

interface Person {
  site: string;
  age: number;
  sex: string | null;
  visits: number;
  died: number;
  days: number;
  event: number;
}

let fed: Federation;
const people: Person[] = [];
const plan = (analysis: Record<string, unknown>) => ({
  version: 1,
  cohort: COHORT,
  analysis: { variables: VARIABLES, ...analysis },
});

before(async () => {
  fed = await startFederation(STATS_SITES, { siteArgs: ['--disclosure-profile', 'exact'] });
  const compiled = compileVariables(COHORT, VARIABLES);
  const col = (name: string, role = 'value') => compiled.columns.find((c) => c.name === name && c.role === role)!.column;
  const q = compile(variableValuesQuery(compiled), duckdbDialect);
  for (const spec of STATS_SITES) {
    const db = await DuckDBInstance.create(fed.files[spec.id], { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(q.sql, q.parameters as never)).getRowObjectsJS();
    for (const r of rows) {
      const n = (v: unknown) => (v === null ? NaN : Number(v));
      people.push({
        site: spec.id,
        age: n(r[col('age')]),
        sex: (r[col('sex')] as string | null) ?? null,
        visits: n(r[col('visits')]),
        died: n(r[col('died')]),
        days: n(r[col('os')]),
        event: n(r[col('os', 'event')]),
      });
    }
    conn.closeSync();
    db.closeSync();
  }
});
after(async () => fed?.stop());

const pooledRows = (rows: PlainRow[]) => rows.filter((r) => r.site === 'pooled');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const meta = (table: { schema: { metadata: Map<string, string> } }, key: string) => JSON.parse(table.schema.metadata.get(key)!);

test('summary: pooled n, mean, sd and the five quantiles equal the union of the rows; per-site n too', async () => {
  const { table, status } = await runThroughHub(fed.hub.url, plan({ kind: 'summary', of: ['age', 'visits', 'sex'] }));
  assert.equal(status.state, 'done');
  const rows = plainRows(table);
  let worst = 0;
  let exactQuantiles = 0;
  for (const v of ['age', 'visits'] as const) {
    const values = people
      .map((p) => p[v])
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b);
    const row = pooledRows(rows).find((r) => r.variable === v)!;
    assert.equal(row.n, values.length, `${v} n`);
    const { mean, sd } = meanSd(values);
    worst = Math.max(worst, rel(row.mean as number, mean), rel(row.sd as number, sd));
    assert.ok(rel(row.mean as number, mean) < 1e-9 && rel(row.sd as number, sd) < 1e-9, `${v} mean/sd`);
    for (const [name, p] of [
      ['p05', 0.05],
      ['p25', 0.25],
      ['median', 0.5],
      ['p75', 0.75],
      ['p95', 0.95],
    ] as const) {
      // Released only with at least k = 5 persons strictly below and strictly above the value.
      const q = type1Quantile(values, p);
      const releasable = values.filter((x) => x < q).length >= 5 && values.filter((x) => x > q).length >= 5;
      assert.equal(row[name], releasable ? q : null, `${v} ${name}`);
      if (releasable) exactQuantiles++;
    }
    for (const spec of STATS_SITES) {
      const site = rows.find((r) => r.site === spec.id && r.variable === v)!;
      assert.equal(site.n, people.filter((p) => p.site === spec.id && !Number.isNaN(p[v])).length, `${spec.id} ${v} n`);
      assert.equal(site.p05, null, 'quantiles are pooled only');
    }
  }
  for (const level of ['FEMALE', 'MALE']) {
    const row = pooledRows(rows).find((r) => r.variable === 'sex' && r.level === level)!;
    assert.equal(row.n, people.filter((p) => p.sex === level).length, level);
  }
  assert.ok(exactQuantiles >= 8);
  console.log(
    `# summary: n ${people.length}, mean/sd worst relative error ${worst.toExponential(2)}, ${exactQuantiles} of 10 quantiles released, all exact`,
  );
});

test("summary by sex: each group's quantiles are exact", async () => {
  const { table } = await runThroughHub(fed.hub.url, plan({ kind: 'summary', of: ['age'], by: 'sex' }));
  for (const level of ['FEMALE', 'MALE']) {
    const values = people
      .filter((p) => p.sex === level)
      .map((p) => p.age)
      .sort((a, b) => a - b);
    const row = pooledRows(plainRows(table)).find((r) => r.level === level)!;
    assert.equal(row.n, values.length);
    assert.equal(row.median, type1Quantile(values, 0.5));
    assert.equal(row.p95, type1Quantile(values, 0.95));
  }
});

test('histogram with given edges and with hub-chosen edges: bins equal the union exactly', async () => {
  const edges = [30, 40, 50, 60, 70, 80, 90];
  const ages = people.map((p) => p.age).filter((x) => !Number.isNaN(x));
  const countIn = (lo: number | null, hi: number | null, lastClosed: boolean) =>
    ages.filter((a) => (lo === null ? a < hi! : hi === null ? a > lo : a >= lo && (a < hi || (lastClosed && a === hi)))).length;
  // A bin some site withheld (1 … k−1 persons there) is pooled as an interval holding the truth;
  // every other bin is exact.
  const check = (r: PlainRow, truth: number) => {
    if (r.persons_suppressed)
      assert.ok((r.persons_lower as number) <= truth && truth <= (r.persons_upper as number), `bin ${r.bin_lower}`);
    else assert.equal(r.persons, truth, `bin ${r.bin_lower}`);
    return r.persons_suppressed ? 0 : 1;
  };
  const given = pooledRows(plainRows((await runThroughHub(fed.hub.url, plan({ kind: 'histogram', of: 'age', edges }))).table));
  assert.equal(given.length, edges.length + 1);
  let exact = 0;
  given.forEach(
    (r) => (exact += check(r, countIn(r.bin_lower as number | null, r.bin_upper as number | null, r.bin_upper === 90))),
  );
  assert.ok(exact >= edges.length - 1, `only ${exact} exact bins`);
  const chosen = await runThroughHub(fed.hub.url, plan({ kind: 'histogram', of: 'age', bins: 6 }));
  const h = meta(chosen.table, 'fedomop.histogram');
  const sorted = [...ages].sort((a, b) => a - b);
  assert.equal(h.edges[0], type1Quantile(sorted, 0.05));
  assert.equal(h.edges[6], type1Quantile(sorted, 0.95));
  const rows = pooledRows(plainRows(chosen.table));
  rows.forEach(
    (r) => (exact += check(r, countIn(r.bin_lower as number | null, r.bin_upper as number | null, r.bin_upper === h.edges[6]))),
  );
  console.log(`# histogram: ${exact} of ${given.length + rows.length} pooled bins exact, the rest intervals holding the truth`);
});

test('KM by sex: survival on the agreed merged grid equals the product-limit of the union (1e-9); log-rank too', async () => {
  const { table, status } = await runThroughHub(fed.hub.url, plan({ kind: 'km', time: 'os', strata: 'sex', binDays: 30 }));
  assert.equal(status.state, 'done', JSON.stringify(status));
  const km = meta(table, 'fedomop.km');
  const grid: number[] = km.grid;
  const onGrid = (days: number) => {
    const end = Math.ceil(days / 30) * 30;
    return grid.find((e) => e >= end)!;
  };
  const rows = pooledRows(plainRows(table));
  let worst = 0;
  const groups: Record<string, Array<{ time: number; event: number }>> = {};
  for (const level of ['FEMALE', 'MALE']) {
    groups[level] = people
      .filter((p) => p.sex === level && !Number.isNaN(p.days))
      .map((p) => ({ time: onGrid(p.days), event: p.event }));
    const ref = productLimit(groups[level]);
    for (const point of ref) {
      const row = rows.find((r) => r.stratum === level && r.time === point.time)!;
      assert.ok(row, `${level} ${point.time}`);
      assert.equal(row.n_at_risk, point.atRisk);
      assert.equal(row.n_events, point.events);
      worst = Math.max(worst, Math.abs((row.survival as number) - point.survival));
      assert.ok(Math.abs((row.survival as number) - point.survival) < 1e-9, `${level} S(${point.time})`);
    }
  }
  const lr = logRank2(groups.FEMALE, groups.MALE);
  assert.ok(rel(km.logrank.statistic, lr) < 1e-9, `log-rank ${km.logrank.statistic} vs ${lr}`);
  console.log(
    `# km: grid ${grid.length} bins (${km.merged.length} merges, ${km.gridRounds} grid rounds), worst |ΔS| ${worst.toExponential(2)}, log-rank ${lr.toFixed(6)}`,
  );
});

const MODELS: Record<Family, { outcome: keyof Person; covariates: string[] }> = {
  gaussian: { outcome: 'age', covariates: ['sex', 'visits'] },
  binomial: { outcome: 'died', covariates: ['age', 'sex', 'visits'] },
  poisson: { outcome: 'visits', covariates: ['age', 'sex'] },
};

for (const family of ['gaussian', 'binomial', 'poisson'] as const) {
  test(`GLM ${family}: estimates and standard errors equal a direct IRLS on the union (1e-6)`, async () => {
    const m = MODELS[family];
    const { table, status } = await runThroughHub(
      fed.hub.url,
      plan({ kind: 'glm', family, outcome: m.outcome, covariates: m.covariates }),
    );
    assert.equal(status.state, 'done');
    assert.equal(status.error, undefined, JSON.stringify(status.error));
    const complete = people.filter((p) =>
      [m.outcome, ...m.covariates].every((v) => p[v as keyof Person] !== null && !Number.isNaN(p[v as keyof Person] as number)),
    );
    const levels = [...new Set(complete.map((p) => p.sex!))].sort();
    const x = complete.map((p) => [
      1,
      ...m.covariates.flatMap((c) =>
        c === 'sex' ? levels.slice(1).map((l) => (p.sex === l ? 1 : 0)) : [p[c as keyof Person] as number],
      ),
    ]);
    const ref = directGlm(
      x,
      complete.map((p) => p[m.outcome] as number),
      family,
    );
    const rows = pooledRows(plainRows(table));
    assert.equal(rows.length, ref.beta.length);
    let worst = 0;
    rows.forEach((r, j) => {
      worst = Math.max(worst, rel(r.estimate as number, ref.beta[j]), rel(r.std_error as number, ref.se[j]));
      assert.ok(rel(r.estimate as number, ref.beta[j]) < 1e-6, `${r.term} estimate ${r.estimate} vs ${ref.beta[j]}`);
      assert.ok(rel(r.std_error as number, ref.se[j]) < 1e-6, `${r.term} se`);
    });
    const g = meta(table, 'fedomop.glm');
    assert.equal(g.n, complete.length);
    assert.ok(rel(g.deviance, ref.deviance) < 1e-6);
    console.log(`# glm ${family}: n ${g.n}, ${g.iterations} iterations, worst relative error ${worst.toExponential(2)}`);
  });
}

test('GLM traps: a site refusing fails the fit naming site and rule; onRefusal continue fits on the others', async () => {
  // Death within 30 days of the index date: fewer than k persons at the two smaller sites.
  const rare = { ...VARIABLES, died3: { type: 'death', window: { start: 0, end: 30 } } };
  const base = { kind: 'glm', variables: rare, family: 'binomial', outcome: 'died3', covariates: ['age'] };
  const failed = await runThroughHub(fed.hub.url, { version: 1, cohort: COHORT, analysis: base });
  assert.equal(failed.status.error.code, 'ERR_DISCLOSURE_REFUSED');
  assert.equal(failed.status.error.rule, 'outcome-level-below-k');
  const site = failed.status.error.site as string;
  assert.equal(failed.status.sites[site].error.rule, 'outcome-level-below-k');
  assert.equal(pooledRows(plainRows(failed.table)).length, 0);
  const saturated = await runThroughHub(
    fed.hub.url,
    plan({ kind: 'glm', family: 'gaussian', outcome: 'age', covariates: ['sex'] }),
  );
  assert.equal(saturated.status.error.rule, 'saturated');
  const rareLevel = await runThroughHub(fed.hub.url, {
    version: 1,
    cohort: COHORT,
    analysis: { ...base, outcome: 'visits', family: 'poisson', covariates: ['died3', 'age'] },
  });
  assert.equal(rareLevel.status.error.rule, 'covariate-level-below-k');
  const continued = await runThroughHub(fed.hub.url, {
    version: 1,
    cohort: COHORT,
    analysis: { ...base, onRefusal: 'continue' },
  });
  const g = meta(continued.table, 'fedomop.glm');
  assert.ok(g.refused.some((r: { site: string; rule: string }) => r.rule === 'outcome-level-below-k'));
  assert.ok(!g.sites.includes(g.refused[0].site));
  assert.equal(pooledRows(plainRows(continued.table)).length, 2);
  assert.deepEqual(g.sites, ['central']);
});

test("GLM trap: more parameters than a third of a site's persons is refused", async () => {
  // A PSA value on the index day (about 60 complete cases at the smaller sites) and 21 covariates:
  // 22 parameters is more than a third of 60.
  const few: Record<string, unknown> = {
    ...VARIABLES,
    psa0: { type: 'measurement', conceptSet: 1, window: { start: 0, end: 0 }, pick: 'latest' },
  };
  const covariates = ['age'];
  for (let i = 1; i <= 20; i++) {
    few[`v${i}`] = {
      type: 'count_occurrences',
      domain: 'visit',
      conceptSet: { items: [{ concept: { CONCEPT_ID: 9202 } }] },
      window: { start: -30 * i, end: 0 },
    };
    covariates.push(`v${i}`);
  }
  const { status } = await runThroughHub(fed.hub.url, {
    version: 1,
    cohort: COHORT,
    analysis: { kind: 'glm', variables: few, family: 'gaussian', outcome: 'psa0', covariates },
  });
  const rules = Object.values(status.sites as Record<string, { error?: { rule?: string } }>).map((s) => s.error?.rule);
  assert.ok(rules.includes('too-many-parameters'), JSON.stringify(status));
});

test('quantile probes cannot be steered to one person: every count answered has ≥ k persons on each side', async () => {
  const site = fed.sites[2].url;
  const analysis = { kind: 'summary', variables: VARIABLES, of: ['age'] };
  const ages = people
    .filter((p) => p.site === 'south')
    .map((p) => p.age)
    .sort((a, b) => a - b);
  const n = ages.length;
  // Probe every age from below the youngest to above the oldest, and every half year around both.
  const probes = [...Array.from({ length: 130 }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => ages[0] - 10 + i / 2)];
  const res = await postJson(`${site}/v1/rounds`, {
    plan: { version: 1, cohort: COHORT, analysis },
    round: { type: 'quantile', variable: 'age', level: null, probes },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.n, n);
  res.body.counts.forEach((c: number | string, i: number) => {
    const truth = ages.filter((a) => a <= probes[i]).length;
    if (typeof c === 'number') {
      assert.equal(c, truth);
      assert.ok(c >= 5 && n - c >= 5, `probe ${probes[i]} answered ${c}`);
    } else assert.equal(c, truth < 5 ? 'low' : 'high');
  });
  // The youngest and oldest ages are never pinned: the answers around them are 'low' / 'high' only.
  const youngest = probes.findIndex((v) => v >= ages[0]);
  assert.equal(res.body.counts[youngest], 'low');
  // A round asking for another plan's variable, or too many probes in all, is refused.
  const other = await postJson(`${site}/v1/rounds`, {
    plan: { version: 1, cohort: COHORT, analysis },
    round: { type: 'quantile', variable: 'visits', level: null, probes: [1] },
  });
  assert.equal(other.status, 400);
  let last = { status: 200, body: {} as any };
  for (let i = 0; i < 20 && last.status === 200; i++) {
    last = await postJson(`${site}/v1/rounds`, {
      plan: { version: 1, cohort: COHORT, analysis },
      round: { type: 'quantile', variable: 'age', level: null, probes: Array.from({ length: 256 }, (_, j) => j / 2) },
    });
  }
  assert.equal(last.status, 422);
  assert.equal(last.body.error.rule, 'probe-budget');
  // A site answers these kinds only in rounds: /v1/execute says to use the hub.
  const direct = await postJson(`${site}/v1/execute`, { version: 1, cohort: COHORT, analysis });
  assert.equal(direct.status, 400);
  assert.equal(direct.body.error.code, 'ERR_HUB_REQUIRED');
});

test('the hub reports per-iteration progress on the SSE stream', async () => {
  const { id } = await runThroughHub(
    fed.hub.url,
    plan({ kind: 'glm', family: 'binomial', outcome: 'died', covariates: ['age'] }),
  );
  const text = await (await fetch(`${fed.hub.url}/v1/queries/${id}/events`)).text();
  const iterations = text.split('\n\n').filter((f) => f.includes('event: iteration'));
  assert.ok(iterations.length >= 3, text.slice(0, 500));
  assert.match(iterations[0], /"kind":"glm"/);
  assert.match(iterations[0], /"deviance":/);
});

test('a two-way crosstab carries the chi-square test of its pooled table in the schema metadata', async () => {
  // The statistics form (variables declared) of a crosstab of two built-in dimensions.
  const { table, status } = await runThroughHub(fed.hub.url, plan({ kind: 'crosstab', by: ['gender', 'age_group'] }));
  assert.equal(status.state, 'done');
  const t = JSON.parse(table.schema.metadata.get('fedomop.test')!);
  const pooled = pooledRows(plainRows(table));
  if (pooled.some((r) => r.persons === null)) {
    assert.equal(t.test, null);
    assert.match(t.reason, /withheld/);
    console.log('# crosstab test: a pooled cell is withheld, no test (as designed)');
    return;
  }
  // Pearson's statistic recomputed here from the released pooled table.
  const rows = [...new Set(pooled.map((r) => r.gender))];
  const cols = [...new Set(pooled.map((r) => r.age_group))];
  const cell = (g: unknown, a: unknown) => (pooled.find((r) => r.gender === g && r.age_group === a)?.persons as number) ?? 0;
  const total = pooled.reduce((s, r) => s + (r.persons as number), 0);
  let x2 = 0;
  for (const g of rows)
    for (const a of cols) {
      const e = (cols.reduce((s: number, c) => s + cell(g, c), 0) * rows.reduce((s: number, r) => s + cell(r, a), 0)) / total;
      if (e > 0) x2 += (cell(g, a) - e) ** 2 / e;
    }
  assert.ok(Math.abs(t.chiSquare.statistic - x2) / x2 < 1e-9);
  console.log(`# crosstab test: chi-square ${x2.toFixed(4)} on ${t.chiSquare.df} df`);
});

test("a 2×2 crosstab over binary variables carries Fisher's exact test too (or none when a pooled cell is withheld)", async () => {
  const { table, status } = await runThroughHub(fed.hub.url, plan({ kind: 'crosstab', by: ['sex', 'died'] }));
  assert.equal(status.state, 'done', JSON.stringify(status));
  const pooled = pooledRows(plainRows(table));
  const t = JSON.parse(table.schema.metadata.get('fedomop.test')!);
  // Pooled persons per cell: the union's rows, as released (crosstab-variables.test.ts checks every cell).
  for (const r of pooled) {
    const truth = people.filter((p) => p.sex === r.sex && String(p.died) === r.died).length;
    assert.ok((r.persons_lower as number) <= truth && truth <= (r.persons_upper as number), `${r.sex} × ${r.died}`);
    if (r.persons !== null) assert.equal(r.persons, truth);
  }
  if (pooled.some((r) => r.persons === null)) {
    assert.equal(t.test, null);
    console.log('# crosstab sex × died: a pooled cell is withheld, no test (as designed)');
    return;
  }
  assert.equal(t.chiSquare.df, 1);
  assert.ok(t.fisher.p_value > 0 && t.fisher.p_value <= 1);
  console.log(
    `# crosstab sex × died: chi-square ${t.chiSquare.statistic.toFixed(4)}, Fisher p ${t.fisher.p_value.toPrecision(4)}`,
  );
});
