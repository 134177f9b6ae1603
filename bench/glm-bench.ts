/**
 * Statistics benchmark (not a test): GLM binomial with 10 covariates over 3 sites × 1M persons
 * through the hub, KM and summary times, next to a baseline measured in the same run: one local
 * pass over the same rows in DuckDB computing the same IRLS sums (XᵀWX, XᵀWz, deviance) at the
 * fitted β. Per-iteration time is read off the hub's SSE `iteration` events.
 * Usage: node lib-test/bench/glm-bench.js [--dir /tmp/kinds-bench] [--persons 1000000]
 *   Site files dir/site{1,2,3}.duckdb are made with `fedomop synth --persons N --events-per-person 2`
 *   when absent.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { compileVariables, variableRowsQuery } from 'fedomop/lib/analysis/variables/index.js';
import { compile, duckdbDialect } from 'fedomop/lib/sql/index.js';
import type { CirceExpression } from 'fedomop/lib/plan/types.js';
import { runCli, startService, type Service } from '../test/harness/processes.js';
import { postJson } from '../test/harness/hub-api.js';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: '/tmp/kinds-bench' }, persons: { type: 'string', default: '1000000' } },
});
const DIR = values.dir!;
const files = [1, 2, 3].map((i) => path.join(DIR, `site${i}.duckdb`));

const item = (id: number) => ({ concept: { CONCEPT_ID: id } });
/** Everyone with an observation period, from its start: one row per person. */
const COHORT = {
  ConceptSets: [],
  PrimaryCriteria: {
    CriteriaList: [{ ObservationPeriod: {} }],
    ObservationWindow: { PriorDays: 0, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'First' },
  },
} as unknown as CirceExpression;
const win = (start: number, end: number) => ({ start, end });
const VARIABLES = {
  died: { type: 'death', window: win(0, 365) },
  age: { type: 'age_at_index' },
  sex: { type: 'gender' },
  year: { type: 'index_year' },
  visits: { type: 'count_occurrences', domain: 'visit', conceptSet: { items: [item(9202)] }, window: win(0, 365) },
  conditions: { type: 'count_occurrences', domain: 'condition', conceptSet: { items: [item(320128)] }, window: win(0, 365) },
  drugs: { type: 'count_occurrences', domain: 'drug', conceptSet: { items: [item(1127433)] }, window: win(0, 365) },
  procedures: { type: 'count_occurrences', domain: 'procedure', conceptSet: { items: [item(4261497)] }, window: win(0, 365) },
  labs: { type: 'count_occurrences', domain: 'measurement', conceptSet: { items: [item(3016723)] }, window: win(0, 365) },
  inpatient: { type: 'occurrence', domain: 'visit', conceptSet: { items: [item(9201)] }, window: win(0, 365) },
  diabetes: { type: 'occurrence', domain: 'condition', conceptSet: { items: [item(201826)] }, window: win(0, 365) },
  os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
} as const;
const COVARIATES = ['age', 'sex', 'year', 'visits', 'conditions', 'drugs', 'procedures', 'labs', 'inpatient', 'diabetes'];

async function run(hub: string, analysis: Record<string, unknown>) {
  const t0 = performance.now();
  const sub = await postJson(`${hub}/v1/queries`, {
    plan: { version: 1, cohort: COHORT, analysis: { variables: VARIABLES, ...analysis } },
  });
  if (sub.status !== 202) throw new Error(JSON.stringify(sub.body));
  const events = await (await fetch(`${hub}/v1/queries/${sub.body.id}/events`)).text();
  const total = performance.now() - t0;
  const results = await fetch(`${hub}/v1/queries/${sub.body.id}/results`);
  await results.arrayBuffer();
  const status = (await (await fetch(`${hub}/v1/queries/${sub.body.id}`)).json()) as {
    error?: unknown;
    sites: Record<string, { error?: unknown }>;
  };
  if (status.error) throw new Error(JSON.stringify(status));
  return { total, events, results };
}

async function main(): Promise<void> {
  for (const [i, f] of files.entries()) {
    if (existsSync(f)) continue;
    await runCli([
      'synth',
      '--out',
      f,
      '--seed',
      String(i + 1),
      '--persons',
      values.persons!,
      '--events-per-person',
      '2',
      '--profile',
      'regional',
    ]);
  }
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  const sites: Service[] = [];
  let hub: Service | undefined;
  try {
    for (const [i, f] of files.entries()) {
      sites.push(
        await startService([
          'site',
          '--db',
          f,
          '--id',
          `s${i + 1}`,
          '--port',
          '0',
          '--dev-insecure',
          '--disclosure-profile',
          'exact',
          '--query-timeout-ms',
          '1800000',
        ]),
      );
    }
    hub = await startService([
      'hub',
      '--port',
      '0',
      '--dev-insecure',
      '--site-timeout-ms',
      '1800000',
      ...sites.flatMap((s, i) => ['--site', `s${i + 1}=${s.url}`]),
    ]);
    // GLM: the first round loads each site's rows (the variables' SQL); later rounds are passes in memory.
    const glm = await run(hub.url, { kind: 'glm', family: 'binomial', outcome: 'died', covariates: COVARIATES });
    const stamps: Array<{ t: number; kind: string; model?: string; deviance?: number }> = [];
    // SSE frames carry no time; the hub's iteration frames arrive in order, so time them on replay:
    // re-run with a live reader instead (the session's rows are cached at the sites by then).
    const live = await postJson(`${hub.url}/v1/queries`, {
      plan: {
        version: 1,
        cohort: COHORT,
        analysis: { variables: VARIABLES, kind: 'glm', family: 'binomial', outcome: 'died', covariates: COVARIATES },
      },
    });
    const t0 = performance.now();
    const res = await fetch(`${hub.url}/v1/queries/${live.body.id}/events`);
    const reader = res.body!.getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (frame.includes('event: iteration')) {
          const data = JSON.parse(frame.split('\ndata: ')[1]);
          stamps.push({ t: performance.now() - t0, kind: data.kind, model: data.model, deviance: data.deviance });
        }
      }
    }
    const warmTotal = performance.now() - t0;
    const full = stamps.filter((s) => s.model === 'full');
    const steps = full.slice(1).map((s, i) => s.t - full[i].t);
    const perIteration = steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)];
    console.log(
      `GLM binomial, 10 covariates (11 terms), 3 sites: first run (loads rows) ${(glm.total / 1000).toFixed(1)} s; warm run ${(warmTotal / 1000).toFixed(2)} s, ${full.length} full-model iterations + ${stamps.length - full.length} null-model, per iteration p50 ${perIteration.toFixed(0)} ms`,
    );

    // Baseline: the same rows in one local DuckDB, one pass computing the IRLS sums at a β.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const compiled = compileVariables(COHORT, VARIABLES as never, ['died', ...COVARIATES]);
    const rowsSql = compile(variableRowsQuery(compiled), duckdbDialect);
    const loadT = performance.now();
    for (const [i, f] of files.entries()) {
      await conn.run(`ATTACH '${f}' AS s${i} (READ_ONLY)`);
      await conn.run(`USE s${i}`);
      const create = i === 0 ? 'CREATE TABLE memory.main.r AS ' : 'INSERT INTO memory.main.r ';
      await conn.run(create + rowsSql.sql, rowsSql.parameters as never);
    }
    await conn.run('USE memory');
    const loadMs = performance.now() - loadT;
    const cols = compiled.columns.map((c) => c.column);
    const y = cols[0];
    const sexCol = cols[2];
    const xs = [
      '1',
      ...cols.slice(1).map((c) => (c === sexCol ? `(CASE WHEN ${c} = 'MALE' THEN 1 ELSE 0 END)` : `CAST(${c} AS DOUBLE)`)),
    ];
    const beta = xs.map((_, j) => (j === 0 ? -3 : 0.001));
    const eta = xs.map((x, j) => `${beta[j]} * ${x}`).join(' + ');
    const sums: string[] = [];
    for (let a = 0; a < xs.length; a++) {
      sums.push(`sum(w * (${xs[a]}) * z)`);
      for (let b = a; b < xs.length; b++) sums.push(`sum(w * (${xs[a]}) * (${xs[b]}))`);
    }
    const pass = `SELECT ${sums.join(', ')}, sum(-2 * (${y} * ln(mu) + (1 - ${y}) * ln(1 - mu))) FROM (SELECT *, mu * (1 - mu) AS w, eta + (${y} - mu) / (mu * (1 - mu)) AS z FROM (SELECT *, 1 / (1 + exp(-eta)) AS mu FROM (SELECT *, ${eta} AS eta FROM r)))`;
    const local: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await conn.runAndReadAll(pass);
      local.push(performance.now() - t);
    }
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM r')).getRows()[0][0]);
    local.sort((a, b) => a - b);
    conn.closeSync();
    db.closeSync();
    console.log(
      `baseline: ${n} rows in one local DuckDB (loading them took ${(loadMs / 1000).toFixed(1)} s), one IRLS pass p50 ${local[1].toFixed(0)} ms`,
    );
    console.log(`ratio per iteration federated / local pass: ${(perIteration / local[1]).toFixed(2)} (target ≤ 1.2)`);

    const km = await run(hub.url, { kind: 'km', time: 'os', strata: 'sex' });
    const summary = await run(hub.url, { kind: 'summary', of: ['age', 'visits', 'sex'] });
    const summaryWarm = await run(hub.url, { kind: 'summary', of: ['age', 'visits', 'sex'] });
    console.log(
      `KM by sex (loads its rows): ${(km.total / 1000).toFixed(2)} s; summary of 3 variables (loads rows) ${(summary.total / 1000).toFixed(2)} s, again (rows cached) ${(summaryWarm.total / 1000).toFixed(2)} s`,
    );
    console.log(
      `machine load after: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await hub?.stop();
    await Promise.all(sites.map((s) => s.stop()));
  }
}

await main();
