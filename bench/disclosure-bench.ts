/**
 * Disclosure benchmark (not a test): prints figures with baselines measured in the same run.
 *   1. Added latency of perturbation on a 1M-person site: the answer as the `exact` profile computes
 *      it (aggregate SQL + min-cell rule) against the `standard` profile (person-level SQL, record
 *      keys, cell keys, ptable, history check), same file, same plans, p50 / p95.
 *   2. The history check alone with 10,000 earlier releases in the user's history (target ≤ 2 ms p50
 *      per answer), and the history's size per user on disk.
 *   3. Utility: mean absolute and relative error of released counts against the truth (target:
 *      relative error < 1 % for cells ≥ 100), and withheld cells per crosstab before (exact) and
 *      after (standard).
 * The answer's added latency as the site computes it (answerPlan, 10,000 earlier releases, demo
 * sites) is bench/disclosure-latency.ts; section 1 here times the pieces outside the site.
 * Usage: node lib-test/bench/disclosure-bench.js [--persons 1000000] [--runs 7]
 *   Reuses .data/bench/site0-<persons>.duckdb (the spine benchmark's central site) or synthesises it.
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { aggregatePersonRows, personCellQuery } from '../src/analysis/person-cells.js';
import { cellsInfo } from '../src/analysis/kinds/registry.js';
import type { CellsAnalysis } from '../src/analysis/kinds/cells-info.js';
import { analysisQuery } from '../src/analysis/index.js';
import { compile, duckdbDialect } from '../src/sql/index.js';
import { duckdbParameterTypes } from '../src/node/duckdb-parameter-types.js';
import { CellAccumulator, EXACT_POLICY, STANDARD_POLICY, releaseAnswer } from '../src/disclosure/index.js';
import { ReleaseHistory } from '../src/disclosure/history.js';
import { RecordKeys } from '../src/disclosure/record-keys.js';
import type { Plan } from '../src/plan/types.js';
import { REPO, runCli } from '../test/harness/processes.js';
import { cohort, plan } from '../test/harness/attacks.js';

const { values } = parseArgs({
  options: { persons: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '7' } },
});
const PERSONS = Number(values.persons);
const RUNS = Number(values.runs);
const FILE = path.join(REPO, '.data', 'bench', `site0-${PERSONS}.duckdb`);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function rows(conn: DuckDBConnection, p: Plan, personLevel: boolean) {
  const c = compile(personLevel ? personCellQuery(p) : analysisQuery(p), duckdbDialect);
  const prepared = await conn.prepare(c.sql);
  prepared.bind(c.parameters as never, duckdbParameterTypes(c.parameterTypes));
  return (await prepared.runAndReadAll()).getRowObjects() as Array<Record<string, unknown>>;
}

const PLANS: Array<[string, Plan]> = [
  ['count prostate', plan(cohort('prostate'), { kind: 'count' })],
  ['crosstab lung age×gender×year', plan(cohort('lung'), { kind: 'crosstab', by: ['age_group', 'gender', 'index_year'] })],
  ['crosstab breast age×year', plan(cohort('breast'), { kind: 'crosstab', by: ['age_group', 'index_year'] })],
  ['crosstab prostate age', plan(cohort('prostate'), { kind: 'crosstab', by: ['age_group'] })],
];

async function main() {
  if (!existsSync(FILE)) {
    mkdirSync(path.dirname(FILE), { recursive: true });
    console.log(`synthesising ${FILE} ...`);
    const r = await runCli(['synth', '--seed', '100', '--persons', String(PERSONS), '--profile', 'central', '--out', FILE]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const db = await DuckDBInstance.create(FILE, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(42));
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-bench-'));
  const k = STANDARD_POLICY.minCellCount;

  // Key derivation alone, on a million ids.
  const ids = BigInt64Array.from({ length: 1_000_000 }, (_, i) => BigInt(i * 7 + 1));
  const keyTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    keys.derive(ids);
    keyTimes.push(performance.now() - t);
  }
  console.log(
    `record keys for 1,000,000 persons (AES-256-ECB, one call): p50 ${ms(pct(keyTimes, 50))}, p95 ${ms(pct(keyTimes, 95))}`,
  );

  console.log(
    `\n1. Answer latency on ${PERSONS.toLocaleString('en')} persons (${RUNS} runs each, warm): exact profile (baseline) vs standard`,
  );
  const history = new ReleaseHistory(path.join(dir, 'latency'));
  const utility = { absErr: 0, relErr: 0, cells: 0, bigAbs: 0, bigRel: 0, bigCells: 0, maxBigRel: 0 };
  for (const [name, p] of PLANS) {
    const base: number[] = [];
    const cellKey: number[] = [];
    const control: number[] = [];
    let truthCells: CellAccumulator[] = [];
    let withheldBefore = 0;
    let withheldAfter = 0;
    let personRows = 0;
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const agg = await rows(conn, p, false);
      const cellsExact = agg.map((r) => {
        const acc = new CellAccumulator(k);
        acc.persons = Number(r.persons);
        acc.events = Number(r.events);
        return { dims: {}, acc };
      });
      const exact = releaseAnswer(cellsExact, cellsInfo(p.analysis as CellsAnalysis).release, 's', EXACT_POLICY);
      base.push(performance.now() - t);
      withheldBefore = exact.decisions.filter((d) => d.measure === 'persons' && d.action === 'withheld').length;

      t = performance.now();
      const raw = await rows(conn, p, true);
      personRows = raw.length;
      const afterSql = performance.now();
      const cells = aggregatePersonRows(p, raw, keys, k);
      const released = releaseAnswer(cells, cellsInfo(p.analysis as CellsAnalysis).release, 's', STANDARD_POLICY, (s) =>
        history.conflict('bench', s, k),
      );
      cellKey.push(performance.now() - t);
      control.push(performance.now() - afterSql);
      withheldAfter = released.decisions.filter((d) => d.measure === 'persons' && d.action !== 'perturbed').length;
      truthCells = cells.map((c) => c.acc);
      if (i === 0)
        released.rows.forEach((row, j) => {
          for (const [m, n] of [
            ['persons', truthCells[j].persons],
            ['events', truthCells[j].events],
          ] as const) {
            const v = row.measures[m].value;
            if (v === null) continue;
            const e = Math.abs(v - n);
            utility.absErr += e;
            utility.relErr += e / n;
            utility.cells++;
            if (n >= 100) {
              utility.bigAbs += e;
              utility.bigRel += e / n;
              utility.bigCells++;
              utility.maxBigRel = Math.max(utility.maxBigRel, e / n);
            }
          }
        });
    }
    console.log(
      `  ${name.padEnd(30)} cells ${String(truthCells.length).padStart(3)}, person rows ${String(personRows).padStart(7)}: ` +
        `exact p50 ${ms(pct(base, 50))} p95 ${ms(pct(base, 95))} | standard p50 ${ms(pct(cellKey, 50))} p95 ${ms(pct(cellKey, 95))} ` +
        `| added p50 ${ms(pct(cellKey, 50) - pct(base, 50))}, of which keys + cells + ptable + history p50 ${ms(pct(control, 50))} p95 ${ms(pct(control, 95))} ` +
        `| withheld persons cells ${withheldBefore} → ${withheldAfter}`,
    );
  }

  console.log(`\n2. History check with 10,000 earlier releases in one user's history`);
  const big = new ReleaseHistory(path.join(dir, 'history'));
  const setOf = (from: number, n: number) => {
    const w = keys.derive(BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)));
    const acc = new CellAccumulator(k);
    for (let i = 0; i < n; i++) acc.add(w, i, true, 1);
    return acc.personSet();
  };
  // 10,000 earlier released sets, sizes 5..2,000 (many of a size share the size index), 50 per answer line.
  for (let line = 0; line < 200; line++) {
    const sets = Array.from({ length: 50 }, (_, j) => ({
      cell: `cell ${j}`,
      set: setOf(line * 100_000 + j * 2_000, 5 + ((line * 50 + j) % 1995)),
    }));
    big.record(
      { time: new Date().toISOString(), planHash: `plan-${line}`, analysis: 'crosstab', decision: 'released' },
      'heavy',
      sets,
    );
  }
  const reopened = new ReleaseHistory(path.join(dir, 'history'));
  const loadStart = performance.now();
  const stored = reopened.size('heavy');
  const loadMs = performance.now() - loadStart;
  const probes = Array.from({ length: 300 }, (_, i) => setOf(50_000_000 + i * 3_000, 5 + ((i * 37) % 1995)));
  const perCell: number[] = [];
  for (const s of probes) {
    const t = performance.now();
    reopened.conflict('heavy', s, k);
    perCell.push(performance.now() - t);
  }
  const perAnswer: number[] = [];
  for (let a = 0; a < 50; a++) {
    const t = performance.now();
    for (let j = 0; j < 40; j++) reopened.conflict('heavy', probes[(a * 40 + j) % probes.length], k);
    perAnswer.push(performance.now() - t);
  }
  const near = setOf(0, 5 + 0); // differs from the first recorded set (plan-0, cell 0) by nothing: a repeat
  const differencing = setOf(1, 5 + 0 - 1); // the same persons minus one
  const file = path.join(dir, 'history', 'heavy.jsonl');
  console.log(`  stored sets ${stored} (loaded from disk in ${ms(loadMs)})`);
  console.log(`  per cell:   p50 ${ms(pct(perCell, 50))}, p95 ${ms(pct(perCell, 95))}`);
  console.log(`  per answer of 40 cells: p50 ${ms(pct(perAnswer, 50))}, p95 ${ms(pct(perAnswer, 95))} (target ≤ 2 ms p50)`);
  console.log(
    `  a repeat conflicts: ${reopened.conflict('heavy', near, k) ? 'yes (wrong)' : 'no'}; one person less conflicts: ${reopened.conflict('heavy', differencing, k) ? 'yes' : 'no (wrong)'}`,
  );
  console.log(
    `  history size: ${(statSync(file).size / 1024 / 1024).toFixed(2)} MB per user for 10,000 sets (${Math.round(statSync(file).size / stored)} bytes per set, whatever the set's size)`,
  );

  console.log(`\n3. Utility of released counts (standard: k = 5, D = 2, V = 1), all cells of the plans above`);
  console.log(
    `  all released cells: ${utility.cells}, mean absolute error ${(utility.absErr / utility.cells).toFixed(3)}, mean relative error ${((100 * utility.relErr) / utility.cells).toFixed(3)} %`,
  );
  console.log(
    `  cells ≥ 100: ${utility.bigCells}, mean absolute error ${(utility.bigAbs / utility.bigCells).toFixed(3)}, mean relative error ${((100 * utility.bigRel) / utility.bigCells).toFixed(4)} % (target < 1 %), worst ${(100 * utility.maxBigRel).toFixed(3)} %`,
  );
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
}

await main();
