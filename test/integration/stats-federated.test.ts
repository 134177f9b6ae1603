/**
 * The statistics library over the variables of three synthetic sites (the harness's THREE_SITES),
 * the way the analysis kinds will use them: each site compiles the variables and runs them on its
 * own DuckDB file; only aggregates (GLM contributions, binned KM counts, counts at a probe value)
 * leave it. Every pooled result is compared with the same computation on the union of the three
 * sites' person-level rows. (No HTTP yet: the hub and site wiring is the next step.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { COHORT } from '../../src/analysis/variables/fixtures.spec-util.js';
import { VARIABLE_ROWS, compileVariables, variableRowsQuery } from '../../src/analysis/variables/index.js';
import type { Variables } from '../../src/analysis/variables/index.js';
import { col, countStar, lte, param, select, table } from '../../src/sql/build.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import {
  applyBinMerge,
  binEnd,
  binTimes,
  fitFederatedGlm,
  glmFamily,
  kaplanMeier,
  logRankTest,
  mergeEventBins,
  nullModelRows,
  poolBinRows,
  pooledQuantiles,
  siteContribution,
  SUMMARY_PROBABILITIES,
} from '../../src/stats/index.js';
import type { GlmFamilyName, GlmRow, KmBinRow } from '../../src/stats/index.js';

const VARIABLES: Variables = {
  age: { type: 'age_at_index' },
  sex: { type: 'gender' },
  visits: {
    type: 'count_occurrences',
    domain: 'visit',
    conceptSet: { items: [{ concept: { CONCEPT_ID: 9202 } }] },
    window: { start: -365, end: -1 },
  },
  died_1y: { type: 'death', window: { start: 0, end: 365 } },
  os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
};
const compiled = compileVariables(COHORT, VARIABLES);
const column = (name: string, role: 'value' | 'event' = 'value') =>
  compiled.columns.find((c) => c.name === name && c.role === role)!.column;

type Row = Record<string, number | string>;
const sites: { conn: DuckDBConnection; rows: Row[] }[] = [];

async function run(conn: DuckDBConnection, query: Parameters<typeof compile>[0]): Promise<Row[]> {
  const c = compile(query, duckdbDialect);
  const r = await conn.runAndReadAll(c.sql, c.parameters as never);
  return r
    .getRowObjectsJS()
    .map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))) as Row[];
}

before(async () => {
  for (const spec of THREE_SITES) {
    const conn = await (await DuckDBInstance.create(await siteFile(spec), { access_mode: 'READ_ONLY' })).connect();
    sites.push({ conn, rows: await run(conn, variableRowsQuery(compiled)) });
  }
});
after(() => sites.forEach((s) => s.conn.closeSync()));

const union = () => sites.flatMap((s) => s.rows);

function design(rows: Row[], family: GlmFamilyName): GlmRow[] {
  return rows.map((r) => {
    const x = [1, ((r[column('age')] as number) - 60) / 10, r[column('sex')] === 'MALE' ? 1 : 0];
    if (family === 'binomial') return { x: [...x, r[column('visits')] as number], y: r[column('died_1y')] as number };
    if (family === 'poisson') return { x, y: r[column('visits')] as number };
    return { x: [1, r[column('sex')] === 'MALE' ? 1 : 0, r[column('visits')] as number], y: r[column('age')] as number };
  });
}

for (const family of ['gaussian', 'binomial', 'poisson'] as const) {
  test(`GLM ${family}: three sites' contributions give the fit of the pooled rows (1e-9)`, async () => {
    const fam = glmFamily(family);
    const names =
      family === 'gaussian'
        ? ['(Intercept)', 'male', 'visits']
        : ['(Intercept)', 'age10', 'male', ...(family === 'binomial' ? ['visits'] : [])];
    const fit = (parts: GlmRow[][]) =>
      fitFederatedGlm({
        family: fam,
        termNames: names,
        ask: async (beta, model) =>
          parts.map((rows) => siteContribution(model === 'null' ? nullModelRows(rows) : rows, beta, fam)),
      });
    const federated = await fit(sites.map((s) => design(s.rows, family)));
    const pooled = await fit([design(union(), family)]);
    assert.equal(federated.n, union().length);
    assert.equal(federated.iterations, pooled.iterations);
    let worst = 0;
    federated.terms.forEach((t, j) => {
      for (const key of ['estimate', 'std_error'] as const) {
        const err = Math.abs(t[key] - pooled.terms[j][key]) / Math.abs(pooled.terms[j][key]);
        worst = Math.max(worst, err);
        assert.ok(err < 1e-9, `${t.term} ${key}`);
      }
    });
    console.log(`# ${family}: n ${federated.n}, iterations ${federated.iterations}, max rel err ${worst.toExponential(2)}`);
  });
}

test('KM by gender on one merged grid: pooled site bins equal the union rounded to that grid; log-rank too', () => {
  const binDays = 30;
  const k = 5;
  const strata = ['FEMALE', 'MALE'];
  const person = (r: Row) => ({ time: r[column('os')] as number, event: r[column('os', 'event')] as 0 | 1 });
  const allSites = sites.map((s) =>
    Object.fromEntries(strata.map((g) => [g, binTimes(s.rows.filter((r) => r[column('sex')] === g).map(person), binDays)])),
  );
  // A site × stratum with 1 … k−1 events over the whole follow-up cannot meet the rule on any grid:
  // that site refuses (a per-site error) and the curve is pooled over the others.
  const total = (rows: KmBinRow[]) => rows.reduce((a, r) => a + r.nEvents, 0);
  const refused = allSites.map((s) => strata.some((g) => total(s[g]) > 0 && total(s[g]) < k));
  const keep = sites.filter((_, i) => !refused[i]);
  const perSite = allSites.filter((_, i) => !refused[i]);
  const ends = [...new Set(perSite.flatMap((s) => strata.flatMap((g) => s[g].map((r: KmBinRow) => r.time))))].sort(
    (a, b) => a - b,
  );
  const series = perSite.flatMap((s) =>
    strata.map((g) => ends.map((e) => s[g].find((r: KmBinRow) => r.time === e)?.nEvents ?? 0)),
  );
  const merge = mergeEventBins(series, ends, k);
  assert.equal(merge.satisfied, true);
  if (refused.some(Boolean)) {
    const withAll = allSites.flatMap((s) =>
      strata.map((g) => ends.map((e) => s[g].find((r: KmBinRow) => r.time === e)?.nEvents ?? 0)),
    );
    assert.equal(mergeEventBins(withAll, ends, k).satisfied, false);
  }
  const unionRows = () => keep.flatMap((s) => s.rows);
  const pooled: Record<string, KmBinRow[]> = {};
  for (const g of strata) {
    pooled[g] = poolBinRows(perSite.map((s) => applyBinMerge(s[g], merge)));
    const onGrid = unionRows()
      .filter((r) => r[column('sex')] === g)
      .map(person)
      .map((p) => ({ ...p, time: merge.mergedEnd[ends.indexOf(binEnd(p.time, binDays))] }));
    const reference = kaplanMeier(binTimes(onGrid, 1));
    const curve = kaplanMeier(pooled[g]);
    for (const point of curve) {
      const ref = reference.find((p) => p.time === point.time)!;
      assert.ok(Math.abs(point.survival - ref.survival) <= 1e-12, `${g} t=${point.time}`);
      assert.equal(point.n_at_risk, ref.n_at_risk);
    }
  }
  const lr = logRankTest(pooled);
  console.log(
    `# KM: ${keep.length} of 3 sites (refused: ${refused.join(', ')}), ${merge.mergedEnds.length} merged bins from ${ends.length}, log-rank ${lr.statistic.toFixed(4)} (p ${lr.p_value.toExponential(2)})`,
  );
});

test('quantiles of age by bisection over SQL counts at each site equal sorting the union', async () => {
  const age = column('age');
  const countAtMost = async (v: number) => {
    const q = select({
      with: compiled.stages,
      select: [countStar()],
      from: table(VARIABLE_ROWS, 'r'),
      where: lte(col(`r.${age}`), param(v, 'integer')),
    });
    let total = 0;
    for (const s of sites) total += Object.values((await run(s.conn, q))[0])[0] as number;
    return total;
  };
  const all = union()
    .map((r) => r[age] as number)
    .sort((a, b) => a - b);
  const results = await pooledQuantiles(SUMMARY_PROBABILITIES, {
    countAtMost,
    n: all.length,
    lower: 0,
    upper: 130,
    resolution: 1,
    k: 5,
  });
  results.forEach((r, i) => {
    assert.ok(r.released);
    if (r.released) assert.equal(r.value, all[Math.ceil(SUMMARY_PROBABILITIES[i] * all.length - 1e-9) - 1]);
  });
});
