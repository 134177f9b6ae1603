/**
 * Added latency of disclosure control as the site answers (not a test): the site's own answerPlan on
 * a real DuckDB file, `exact` profile (aggregate SQL + min-cell rule: the baseline) against
 * `standard` (cell keys, ptable, margins, history check against 10,000 earlier releases of the same
 * user and against the site's published concept sets), same plans, interleaved in one run, p50 / p95. Also the SQL's share of each,
 * and the standard answer's stages one by one (CPU of this process, the same functions execute.ts calls):
 * the person-level SQL with its rows read, the person sets (record keys + signatures per cell), and
 * the release itself — perturbation, margins and the history check against the 10,000 earlier
 * releases and the published sets — which is what the latency line names.
 * Usage: node lib-test/bench/disclosure-latency.js [--db FILE ...] [--runs 31]
 *   default: the `fedomop demo` sites (central 60,000, north 25,000, south 10,000 persons), made
 *   under .data/bench/ when absent.
 */
import { parseArgs } from 'node:util';
import { demoSiteFiles } from './demo-site-files.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { answerPlan, type DisclosureState } from '../src/site/execute.js';
import { DuckDbDatabase } from '../src/site/duckdb-database.js';
import type { SiteDatabase } from '../src/site/database.js';
import type { Conflict } from '../src/disclosure/history.js';
import type { PersonSet } from '../src/disclosure/person-set.js';
import { CellAccumulator, EXACT_POLICY, STANDARD_POLICY, type DisclosurePolicy } from '../src/disclosure/index.js';
import { ReleaseHistory } from '../src/disclosure/history.js';
import { UserRateLimit } from '../src/disclosure/rate-limit.js';
import { RecordKeys } from '../src/disclosure/record-keys.js';
import { buildPublishedConcepts, countedColumnsOf } from '../src/site/concept-releases.js';
import { planHash } from '../src/plan/hash.js';
import { aggregatePersonRows, personCellQuery } from '../src/analysis/person-cells.js';
import { cellsInfo } from '../src/analysis/kinds/registry.js';
import { releaseAnswer } from '../src/disclosure/release.js';
import { compile, dialectByName } from '../src/sql/index.js';
import type { Plan } from '../src/plan/types.js';
import { RULES_EXAMPLE, cohort, plan } from '../test/harness/attacks.js';

const { values } = parseArgs({
  options: { db: { type: 'string', multiple: true }, runs: { type: 'string', default: '31' } },
});
const RUNS = Number(values.runs);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

const PLANS: Array<[string, Plan]> = [
  ['count prostate', plan(cohort('prostate'), { kind: 'count' })],
  ['crosstab lung gender×year', plan(cohort('lung'), { kind: 'crosstab', by: ['gender', 'index_year'] })],
  ['crosstab breast age×year', plan(cohort('breast'), { kind: 'crosstab', by: ['age_group', 'index_year'] })],
  ['attrition (2 rules)', plan(RULES_EXAMPLE.cohort, { kind: 'attrition' })],
];

/** 10,000 released sets of sizes 5..2,000 in the user's history (50 per answer line), as disclosure-bench. */
function fillHistory(history: ReleaseHistory, keys: RecordKeys, user: string): void {
  const k = STANDARD_POLICY.minCellCount;
  const setOf = (from: number, n: number) => {
    const w = keys.derive(BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)));
    const acc = new CellAccumulator(k);
    for (let i = 0; i < n; i++) acc.add(w, i, true, 1);
    return acc.personSet();
  };
  for (let line = 0; line < 200; line++) {
    const sets = Array.from({ length: 50 }, (_, j) => ({
      cell: `cell ${j}`,
      set: setOf(10_000_000 + line * 100_000 + j * 2_000, 5 + ((line * 50 + j) % 1995)),
    }));
    history.record(
      { time: new Date().toISOString(), planHash: `plan-${line}`, analysis: 'crosstab', decision: 'released' },
      user,
      sets,
    );
  }
}

/** The database, timing its queries. */
function timed(db: SiteDatabase, sql: number[]): SiteDatabase {
  const time = async <T>(run: () => Promise<T>) => {
    const t = performance.now();
    const out = await run();
    sql.push(performance.now() - t);
    return out;
  };
  return {
    dialect: db.dialect,
    close: () => db.close(),
    query: (c, signal) => time(() => db.query(c, signal)),
    ...(db.queryColumns && { queryColumns: (c, signal) => time(() => db.queryColumns!(c, signal)) }),
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/**
 * The standard answer's stages, each timed alone: CPU of this process — all its threads, so DuckDB's for
 * the SQL, and V8's background collector and compiler for every stage — and, for the release itself
 * (synchronous on this thread), its wall clock too, which is its latency and leaves out those threads.
 */
async function printStages(
  db: SiteDatabase,
  p: Plan,
  state: DisclosureState,
  policy: DisclosurePolicy,
  published: { conflict(set: PersonSet): Conflict | undefined },
): Promise<void> {
  const k = policy.minCellCount;
  const compiled = compile(personCellQuery(p), dialectByName(db.dialect));
  const stages = { sql: [] as number[], sets: [] as number[], release: [] as number[], releaseWall: [] as number[] };
  let persons = 0;
  for (let i = 0; i < Math.min(RUNS, 15) + 2; i++) {
    let t = process.cpuUsage();
    const rows = await (db.queryColumns?.(compiled) ?? db.query(compiled));
    const sql = cpuMs(t);
    t = process.cpuUsage();
    const cells = aggregatePersonRows(p, rows, state.keys, k);
    const sets = cpuMs(t);
    t = process.cpuUsage();
    const wall = performance.now();
    releaseAnswer(
      cells,
      cellsInfo(p.analysis).release,
      'bench',
      policy,
      (set) => state.history.conflict('bench', set, k) ?? published.conflict(set),
    );
    const releaseWall = performance.now() - wall;
    const release = cpuMs(t);
    persons = rows.length;
    if (i < 2) continue;
    stages.sql.push(sql);
    stages.sets.push(sets);
    stages.release.push(release);
    stages.releaseWall.push(releaseWall);
  }
  const f = (xs: number[]) => `p50 ${ms(pct(xs, 50))} p95 ${ms(pct(xs, 95))}`;
  console.log(
    `      stages (CPU): person-level SQL + read, ${persons} rows, ${f(stages.sql)} | person sets (keys, signatures) ${f(stages.sets)} ` +
      `| perturbation + history check ${f(stages.release)} (wall ${f(stages.releaseWall)})`,
  );
}

async function main() {
  const files = values.db?.length ? values.db : (await demoSiteFiles()).map((s) => s.file);
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-latency-'));
  const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(42));
  const history = new ReleaseHistory(path.join(dir, 'history'));
  fillHistory(history, keys, 'bench');
  const state: DisclosureState = {
    keys,
    history,
    plans: new UserRateLimit('plans'),
    previews: new UserRateLimit('previews'),
  };
  const standard: DisclosurePolicy = { ...STANDARD_POLICY, rateLimit: undefined };
  const exact: DisclosurePolicy = { ...EXACT_POLICY };
  console.log(
    `disclosure latency: answerPlan, exact (baseline) vs standard with ${history.size('bench')} earlier releases in the user's history; ` +
      `${RUNS} interleaved runs each; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
  );
  const site = { id: 'bench', cdmVersion: '5.4', vocabularyVersion: 'synthetic' };
  for (const file of files) {
    const raw = await DuckDbDatabase.open(file);
    console.log(`\n${path.basename(file)}`);
    // The site's published concept sets (concept-releases.ts): every standard answer is checked against them too.
    const passStarted = performance.now();
    const published = await buildPublishedConcepts(raw, await countedColumnsOf(raw), keys, standard.minCellCount);
    console.log(
      `  published concept sets: ${published.sets.count} of ${published.size} concepts (pass ${(performance.now() - passStarted).toFixed(0)} ms, once per site start)`,
    );
    for (const [name, p] of PLANS) {
      const hash = await planHash(p);
      const times = {
        exact: [] as number[],
        standard: [] as number[],
        exactSql: [] as number[],
        standardSql: [] as number[],
        exactCpu: [] as number[],
        standardCpu: [] as number[],
      };
      let cells = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        for (const [label, policy] of [
          ['exact', exact],
          ['standard', standard],
        ] as const) {
          const sql: number[] = [];
          const cpu = process.cpuUsage();
          const t = performance.now();
          const answer = await answerPlan(timed(raw, sql), p, hash, site, policy, undefined, {
            user: 'bench',
            disclosure: state,
            published: async () => published,
          });
          const elapsed = performance.now() - t;
          const used = process.cpuUsage(cpu);
          cells = answer.rows.length;
          if (i < 2) continue; // warm-up: prepared statements, ptable
          times[label].push(elapsed);
          times[label === 'exact' ? 'exactSql' : 'standardSql'].push(sql.reduce((a, b) => a + b, 0));
          times[label === 'exact' ? 'exactCpu' : 'standardCpu'].push((used.user + used.system) / 1000);
        }
      }
      // Paired: each run's standard answer minus the exact answer just before it, so load that
      // comes and goes between runs cancels; and the same without the SQL (the disclosure work itself).
      const paired = times.standard.map((t, i) => t - times.exact[i]);
      const work = times.standard.map((t, i) => t - times.standardSql[i] - (times.exact[i] - times.exactSql[i]));
      const sqlDiff = times.standardSql.map((t, i) => t - times.exactSql[i]);
      // CPU time this process spent (DuckDB's threads included): what the answer costs, without the
      // time spent waiting for a core on a loaded machine.
      const cpuAdded = times.standardCpu.map((t, i) => t - times.exactCpu[i]);
      console.log(
        `  ${name.padEnd(27)} cells ${String(cells).padStart(3)} | exact p50 ${ms(pct(times.exact, 50))} (SQL ${ms(pct(times.exactSql, 50))}) ` +
          `| standard p50 ${ms(pct(times.standard, 50))} (SQL ${ms(pct(times.standardSql, 50))}) ` +
          `| added p50 ${ms(pct(paired, 50))} p95 ${ms(pct(paired, 95))} (target ≤ 2 ms p50) ` +
          `= SQL ${ms(pct(sqlDiff, 50))} + disclosure work p50 ${ms(pct(work, 50))} p95 ${ms(pct(work, 95))} ` +
          `| CPU exact p50 ${ms(pct(times.exactCpu, 50))}, added p50 ${ms(pct(cpuAdded, 50))} p95 ${ms(pct(cpuAdded, 95))}`,
      );
      await printStages(raw, p, state, standard, published);
    }
    await raw.close();
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
