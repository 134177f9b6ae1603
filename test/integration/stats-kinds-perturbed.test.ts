/**
 * The rounds kinds with the standard (perturbing) disclosure profile: the same three sites and
 * analyses as stats-kinds.test.ts, the error against the union of the person rows measured and
 * printed, and bounded: every released count's interval holds the truth, counts move by at most
 * the profile's D per site, and what the hub keeps exact (sums, GLM contributions) stays exact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { startFederation, type Federation } from '../harness/federation.js';
import { plainRows, runThroughHub, type PlainRow } from '../harness/hub-api.js';
import { directGlm, meanSd, productLimit, type1Quantile } from '../harness/stats-reference.js';
import { COHORT } from '../../src/analysis/variables/fixtures.spec-util.js';
import { compileVariables, variableValuesQuery } from '../../src/analysis/variables/index.js';
import type { Variables } from '../../src/analysis/variables/index.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import { STANDARD_POLICY } from '../../src/disclosure/index.js';
import { THREE_SITES, type SiteSpec } from '../harness/sites.js';

const SITES: SiteSpec[] = [THREE_SITES[0], THREE_SITES[1], { id: 'south', seed: 44, persons: 8000, profile: 'regional' }];
const VARIABLES: Variables = {
  age: { type: 'age_at_index' },
  sex: { type: 'gender' },
  died: { type: 'death', window: { start: 0, end: 365 } },
  os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
};
const D = STANDARD_POLICY.maxNoise ?? 0;

let fed: Federation;
const people: Array<{ age: number; sex: string | null; died: number; days: number; event: number }> = [];
const plan = (analysis: Record<string, unknown>) => ({
  version: 1,
  cohort: COHORT,
  analysis: { variables: VARIABLES, ...analysis },
});
const pooled = (rows: PlainRow[]) => rows.filter((r) => r.site === 'pooled');

before(async () => {
  fed = await startFederation(SITES, { siteArgs: ['--disclosure-profile', 'standard'] });
  const compiled = compileVariables(COHORT, VARIABLES);
  const col = (name: string, role = 'value') => compiled.columns.find((c) => c.name === name && c.role === role)!.column;
  const q = compile(variableValuesQuery(compiled), duckdbDialect);
  for (const spec of SITES) {
    const db = await DuckDBInstance.create(fed.files[spec.id], { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    for (const r of (await conn.runAndReadAll(q.sql, q.parameters as never)).getRowObjectsJS()) {
      people.push({
        age: Number(r[col('age')]),
        sex: (r[col('sex')] as string | null) ?? null,
        died: Number(r[col('died')]),
        days: Number(r[col('os')]),
        event: Number(r[col('os', 'event')]),
      });
    }
    conn.closeSync();
    db.closeSync();
  }
});
after(async () => fed?.stop());

test('perturbed summary: n within 3·D of the truth and inside its interval; mean, sd and quantiles exact', async () => {
  assert.ok(D > 0, 'the standard profile perturbs');
  const rows = pooled(plainRows((await runThroughHub(fed.hub.url, plan({ kind: 'summary', of: ['age'] }))).table));
  const ages = people.map((p) => p.age).sort((a, b) => a - b);
  const row = rows[0];
  assert.ok((row.n_lower as number) <= ages.length && ages.length <= (row.n_upper as number));
  const nErr = Math.abs((row.n as number) - ages.length);
  assert.ok(nErr <= 3 * D);
  const { mean, sd } = meanSd(ages);
  assert.ok(Math.abs((row.mean as number) - mean) / mean < 1e-9 && Math.abs((row.sd as number) - sd) / sd < 1e-9);
  assert.equal(row.median, type1Quantile(ages, 0.5));
  console.log(
    `# perturbed summary: n ${row.n} vs ${ages.length} (error ${nErr}, D = ${D} per site); mean, sd, quantiles exact (hub-internal sums and probes)`,
  );
});

test("perturbed histogram: every bin's interval holds the truth; error measured", async () => {
  const edges = [30, 40, 50, 60, 70, 80, 90];
  const rows = pooled(plainRows((await runThroughHub(fed.hub.url, plan({ kind: 'histogram', of: 'age', edges }))).table));
  let worst = 0;
  let total = 0;
  let released = 0;
  for (const r of rows) {
    const lo = r.bin_lower as number | null;
    const hi = r.bin_upper as number | null;
    const truth = people.filter((p) =>
      lo === null ? p.age < hi! : hi === null ? p.age > lo : p.age >= lo && (p.age < hi || (hi === 90 && p.age === 90)),
    ).length;
    assert.ok((r.persons_lower as number) <= truth && truth <= (r.persons_upper as number), `bin ${lo}`);
    if (r.persons !== null) {
      released++;
      worst = Math.max(worst, Math.abs((r.persons as number) - truth));
      total += Math.abs((r.persons as number) - truth) / Math.max(truth, 1);
    }
  }
  console.log(
    `# perturbed histogram: ${released} of ${rows.length} bins released, worst |error| ${worst} persons, mean relative error ${(total / Math.max(released, 1)).toFixed(4)}`,
  );
  assert.ok(worst <= 3 * D);
});

test('perturbed KM: survival error against the union on the same grid, measured', async () => {
  const { table, status } = await runThroughHub(fed.hub.url, plan({ kind: 'km', time: 'os', binDays: 30 }));
  assert.equal(status.state, 'done');
  const km = JSON.parse(table.schema.metadata.get('fedomop.km')!);
  const grid: number[] = km.grid;
  const onGrid = (days: number) => grid.find((e) => e >= Math.ceil(days / 30) * 30)!;
  const ref = productLimit(people.map((p) => ({ time: onGrid(p.days), event: p.event })));
  const rows = pooled(plainRows(table));
  let worst = 0;
  let compared = 0;
  for (const point of ref) {
    const row = rows.find((r) => r.time === point.time);
    if (!row || row.survival === null) continue;
    compared++;
    worst = Math.max(worst, Math.abs((row.survival as number) - point.survival));
  }
  assert.ok(compared > 0);
  console.log(`# perturbed KM: ${grid.length} bins, ${compared} compared, worst |ΔS| ${worst.toExponential(2)}`);
  assert.ok(worst < 0.05);
});

test('perturbed GLM: contributions are hub-internal sums, so the fit is the exact one (1e-6)', async () => {
  const { table, status } = await runThroughHub(
    fed.hub.url,
    plan({ kind: 'glm', family: 'binomial', outcome: 'died', covariates: ['age', 'sex'] }),
  );
  assert.equal(status.error, undefined);
  const complete = people.filter((p) => p.sex !== null && !Number.isNaN(p.age) && !Number.isNaN(p.died));
  const levels = [...new Set(complete.map((p) => p.sex!))].sort();
  const ref = directGlm(
    complete.map((p) => [1, p.age, ...levels.slice(1).map((l) => (p.sex === l ? 1 : 0))]),
    complete.map((p) => p.died),
    'binomial',
  );
  const rows = pooled(plainRows(table));
  rows.forEach((r, j) =>
    assert.ok(Math.abs((r.estimate as number) - ref.beta[j]) / Math.abs(ref.beta[j]) < 1e-6, String(r.term)),
  );
  console.log(`# perturbed GLM: n ${complete.length}, estimates equal the exact fit (no noise in contributions)`);
});
