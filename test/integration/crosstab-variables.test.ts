/**
 * Issue 12, item 3: a crosstab of declared categorical variables (sex × death within a year)
 * through the hub (three sites, exact profile, k = 5), each pooled cell compared with the union of
 * the three sites' person rows (the variables' SQL, run here on the site files), and the pooled
 * chi-square statistic with one computed in this file (not by src/stats).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { startFederation, type Federation } from '../harness/federation.js';
import { plainRows, runThroughHub } from '../harness/hub-api.js';
import { THREE_SITES } from '../harness/sites.js';
import { COHORT } from '../../src/analysis/variables/fixtures.spec-util.js';
import { compileVariables, variableValuesQuery } from '../../src/analysis/variables/index.js';
import type { Variables } from '../../src/analysis/variables/index.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import { STANDARD_POLICY } from '../../src/disclosure/index.js';

const VARIABLES: Variables = {
  sex: { type: 'gender' },
  died: { type: 'death', window: { start: 0, end: 365 } },
};

let fed: Federation;
const people: Array<{ site: string; sex: string | null; died: string | null }> = [];

before(async () => {
  fed = await startFederation(THREE_SITES, { siteArgs: ['--disclosure-profile', 'exact'] });
  const compiled = compileVariables(COHORT, VARIABLES);
  const col = (name: string) => compiled.columns.find((c) => c.name === name && c.role === 'value')!.column;
  const q = compile(variableValuesQuery(compiled), duckdbDialect);
  for (const spec of THREE_SITES) {
    const db = await DuckDBInstance.create(fed.files[spec.id], { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    for (const r of (await conn.runAndReadAll(q.sql, q.parameters as never)).getRowObjectsJS()) {
      const sex = r[col('sex')];
      const died = r[col('died')];
      people.push({
        site: spec.id,
        sex: sex === null || sex === undefined ? null : String(sex),
        died: died === null || died === undefined ? null : String(Number(died)),
      });
    }
    conn.closeSync();
    db.closeSync();
  }
});
after(async () => fed?.stop());

const plan = { version: 1, cohort: COHORT, analysis: { kind: 'crosstab', by: ['sex', 'died'], variables: VARIABLES } };

test('crosstab of sex × died: pooled cells equal the union of the rows; chi-square as computed here', async () => {
  // South holds a cell of fewer than k = 5 (its withheld case is the next test): central and north here.
  const used = THREE_SITES.filter((s) => s.id !== 'south');
  const { table, status } = await runThroughHub(
    fed.hub.url,
    plan,
    used.map((s) => s.id),
  );
  assert.equal(status.state, 'done', JSON.stringify(status));
  const rows = plainRows(table);
  const complete = people.filter((p) => p.sex !== null && p.died !== null && p.site !== 'south');
  const key = (sex: unknown, died: unknown) => `${String(sex)}|${String(died)}`;
  const truth = new Map<string, number>();
  const siteTruth = new Map<string, number>();
  for (const p of complete) {
    truth.set(key(p.sex, p.died), (truth.get(key(p.sex, p.died)) ?? 0) + 1);
    siteTruth.set(`${p.site}|${key(p.sex, p.died)}`, (siteTruth.get(`${p.site}|${key(p.sex, p.died)}`) ?? 0) + 1);
  }
  // Every site cell holds ≥ k persons here, so exact-profile cells are released as they are.
  assert.ok(
    [...siteTruth.values()].every((n) => n >= 5),
    `a site cell under k: ${JSON.stringify([...siteTruth])}`,
  );
  const pooled = rows.filter((r) => r.site === 'pooled');
  assert.equal(pooled.length, truth.size);
  for (const r of pooled) {
    assert.equal(r.persons, truth.get(key(r.sex, r.died)), `pooled ${key(r.sex, r.died)}`);
    assert.equal(r.persons_suppressed, false);
    assert.equal(r.events, null);
  }
  for (const spec of used) {
    for (const r of rows.filter((x) => x.site === spec.id))
      assert.equal(r.persons, siteTruth.get(`${spec.id}|${key(r.sex, r.died)}`), `${spec.id} ${key(r.sex, r.died)}`);
  }
  // Pearson's chi-square on the union's table, computed here.
  const sexes = [...new Set(complete.map((p) => p.sex!))].sort();
  const deaths = [...new Set(complete.map((p) => p.died!))].sort();
  const n = complete.length;
  let chi = 0;
  for (const s of sexes) {
    for (const d of deaths) {
      const rowSum = complete.filter((p) => p.sex === s).length;
      const colSum = complete.filter((p) => p.died === d).length;
      const expected = (rowSum * colSum) / n;
      const observed = truth.get(key(s, d)) ?? 0;
      chi += (observed - expected) ** 2 / expected;
    }
  }
  const test = JSON.parse(table.schema.metadata.get('fedomop.test')!);
  assert.ok(test.chiSquare, JSON.stringify(test));
  assert.equal(test.chiSquare.df, (sexes.length - 1) * (deaths.length - 1));
  const rel = Math.abs(test.chiSquare.statistic - chi) / Math.max(Math.abs(chi), 1e-300);
  assert.ok(rel < 1e-9, `chi-square ${test.chiSquare.statistic} vs ${chi} (rel ${rel})`);
  if (sexes.length === 2 && deaths.length === 2) assert.ok(typeof test.fisher?.p_value === 'number');
  process.stdout.write(
    `crosstab sex × died: ${pooled.length} pooled cells, n = ${n}, chi-square ${test.chiSquare.statistic} (here ${chi}, rel ${rel.toExponential(2)}), df ${test.chiSquare.df}, fisher ${JSON.stringify(test.fisher ?? null)}\n`,
  );
});

test('crosstab of sex × died over all three sites: a site cell under k is withheld, the pooled cell too, and no test', async () => {
  const { table, status } = await runThroughHub(fed.hub.url, plan);
  assert.equal(status.state, 'done', JSON.stringify(status));
  const rows = plainRows(table);
  const small = people.filter((p) => p.site === 'south' && p.sex === 'FEMALE' && p.died === '1').length;
  assert.ok(small > 0 && small < 5, `south FEMALE × died=1 holds ${small}`);
  const southCell = rows.find((r) => r.site === 'south' && r.sex === 'FEMALE' && r.died === '1')!;
  assert.equal(southCell.persons, null);
  assert.equal(southCell.persons_suppressed, true);
  const pooledCell = rows.find((r) => r.site === 'pooled' && r.sex === 'FEMALE' && r.died === '1')!;
  const truth = people.filter((p) => p.sex === 'FEMALE' && p.died === '1').length;
  assert.equal(pooledCell.persons, null);
  assert.ok((pooledCell.persons_lower as number) <= truth && truth <= (pooledCell.persons_upper as number));
  const t = JSON.parse(table.schema.metadata.get('fedomop.test')!);
  assert.equal(t.test, null);
});

test('crosstab of sex × died with the standard (perturbing) profile: every cell within D per site of the truth, inside its interval', async () => {
  const D = STANDARD_POLICY.maxNoise ?? 0;
  assert.ok(D > 0, 'the standard profile perturbs');
  const perturbed = await startFederation(THREE_SITES, { siteArgs: ['--disclosure-profile', 'standard'] });
  try {
    const used = ['central', 'north'];
    const { table, status } = await runThroughHub(perturbed.hub.url, plan, used);
    assert.equal(status.state, 'done', JSON.stringify(status));
    const rows = plainRows(table);
    let worst = 0;
    for (const r of rows) {
      const from = r.site === 'pooled' ? used : [r.site as string];
      const truth = people.filter((p) => from.includes(p.site) && p.sex === r.sex && p.died === r.died).length;
      assert.ok((r.persons_lower as number) <= truth && truth <= (r.persons_upper as number), `${r.site} ${r.sex} × ${r.died}`);
      assert.ok(r.persons !== null, `${r.site} ${r.sex} × ${r.died} released`);
      worst = Math.max(worst, Math.abs((r.persons as number) - truth));
      assert.ok(Math.abs((r.persons as number) - truth) <= from.length * D);
      assert.equal(r.events, null);
    }
    const t = JSON.parse(table.schema.metadata.get('fedomop.test')!);
    assert.equal(t.chiSquare.df, 1);
    console.log(
      `# perturbed crosstab sex × died: worst cell error ${worst} (D = ${D} per site); chi-square ${t.chiSquare.statistic}`,
    );
  } finally {
    await perturbed.stop();
  }
});
