/**
 * Spine benchmark (not a test): prints figures, compares against baselines measured in the same run.
 *   1. `fedomop synth` wall time for 1M persons (target < 60 s here).
 *   2. A count over 3 sites × 1M persons through the hub, against the same SQL run directly in
 *      DuckDB on the same three files with the same concurrency (target ratio ≤ 1.15).
 *   3. Hub round trip for a tiny query (submit + full Arrow results), p50 (target ≤ 5 ms), with the
 *      floors under it measured in the same run: what the HTTP exchanges cost with no work behind
 *      them, and what DuckDB needs for the site's SQL (as the site runs it, and with planning free).
 * Usage: node lib-test/bench/spine-bench.js [--persons 1000000] [--runs 5] [--tiny-runs 300] [--only tiny] [--cpu-prof DIR] [--audit-dir DIR]
 *   `--only tiny` skips parts 1 and 2 (minutes of synth) when only the round trip is being worked on.
 */
import { HUB_NODE_FLAGS } from '../src/hub/node-flags.js';
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { analysisQuery } from 'fedomop/lib/analysis/index.js';
import { compile, duckdbDialect, type CompiledQuery } from 'fedomop/lib/sql/index.js';
import { duckdbParameterTypes } from 'fedomop/lib/node/duckdb-parameter-types.js';
import type { Plan } from 'fedomop/lib/plan/types.js';
import { devHubArgs, REPO, runCli, startService, type Service } from '../test/harness/processes.js';
import { runThroughHub } from '../test/harness/hub-api.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'tiny-runs': { type: 'string', default: '300' },
    only: { type: 'string' },
    /** The tiny part's hub and site run with `node --cpu-prof` and write their profiles into DIR/hub and DIR/site. */
    'cpu-prof': { type: 'string' },
    /**
     * The tiny part's hub and site write their audit lines into files in DIR instead of standard
     * output (a pipe this process reads, as before): shows what the pipe's wake-ups cost.
     */
    'audit-dir': { type: 'string' },
  },
});
const PERSONS = Number(values.persons);
const RUNS = Number(values.runs);
const TINY_RUNS = Number(values['tiny-runs']);
const ONLY = values.only;
if (ONLY !== undefined && ONLY !== 'tiny') throw new Error(`--only takes "tiny", got "${ONLY}"`);
const DIR = path.join(REPO, '.data', 'bench');

const PROSTATE_COUNT: Plan = {
  version: 1,
  cohort: {
    ConceptSets: [
      { id: 0, name: 'prostate cancer', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
    ],
    PrimaryCriteria: {
      CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
      ObservationWindow: { PriorDays: 365, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'All' },
    },
  },
  analysis: { kind: 'count' },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function synth(name: string, seed: number, persons: number, profile: string): Promise<{ file: string; seconds: number }> {
  const file = path.join(DIR, `${name}.duckdb`);
  const started = performance.now();
  const r = await runCli(['synth', '--seed', String(seed), '--persons', String(persons), '--profile', profile, '--out', file]);
  if (r.code !== 0) throw new Error(r.stderr);
  return { file, seconds: (performance.now() - started) / 1000 };
}

/** Opens the three files once, as the three site processes do, so both paths run on warm caches. */
async function openDirect(files: string[]) {
  const dbs = await Promise.all(files.map((f) => DuckDBInstance.create(f, { access_mode: 'READ_ONLY' })));
  const compiled = compile(analysisQuery(PROSTATE_COUNT), duckdbDialect);
  return {
    /** One run: a fresh connection per file, the three queries in parallel (what three sites do). */
    async run(): Promise<number> {
      const t = performance.now();
      await Promise.all(
        dbs.map(async (db) => {
          const conn = await db.connect();
          await conn.runAndReadAll(compiled.sql, compiled.parameters as never);
          conn.closeSync();
        }),
      );
      return performance.now() - t;
    },
    close: () => dbs.forEach((d) => d.closeSync()),
  };
}

async function main() {
  mkdirSync(DIR, { recursive: true });
  if (ONLY !== 'tiny') await bigSites();
  await tinyQuery();
}

async function bigSites() {
  console.log(`fedomop spine benchmark — ${new Date().toISOString()}, ${PERSONS.toLocaleString('en')} persons per site`);

  const big = [];
  for (const [i, profile] of (['central', 'regional', 'small'] as const).entries()) {
    const s = await synth(`site${i}-${PERSONS}`, 100 + i, PERSONS, profile);
    big.push(s.file);
    console.log(`synth ${profile.padEnd(8)} ${PERSONS.toLocaleString('en')} persons: ${s.seconds.toFixed(1)} s (target < 60 s)`);
  }

  const sites: Service[] = [];
  for (const [i, file] of big.entries())
    sites.push(await startService(['site', '--db', file, '--id', `s${i}`, '--port', '0', '--dev-insecure']));
  const hub = await startService(
    devHubArgs(Object.fromEntries(sites.map((s, i) => [`s${i}`, s.url])), ['--site-timeout-ms', '600000']),
    { nodeArgs: [...HUB_NODE_FLAGS] },
  );

  try {
    // Warm both paths, then alternate so drift hits both alike. The direct path runs in this
    // process while the site processes idle, and the other way round.
    const direct = await openDirect(big);
    await direct.run();
    await runThroughHub(hub.url, PROSTATE_COUNT);
    const directTimes: number[] = [];
    const viaHub: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      directTimes.push(await direct.run());
      const t = performance.now();
      const r = await runThroughHub(hub.url, PROSTATE_COUNT);
      viaHub.push(performance.now() - t);
      if (r.status.state !== 'done') throw new Error(JSON.stringify(r.status));
    }
    direct.close();
    const ratio = median(viaHub) / median(directTimes);
    console.log(
      `count, 3 sites × ${PERSONS.toLocaleString('en')}: direct DuckDB median ${median(directTimes).toFixed(0)} ms, ` +
        `through hub median ${median(viaHub).toFixed(0)} ms, ratio ${ratio.toFixed(3)} (target ≤ 1.15; runs ${RUNS})`,
    );
  } finally {
    await hub.stop();
    await Promise.all(sites.map((s) => s.stop()));
  }
}

/** Tiny query: a small site, so the figure is the hub's and HTTP's own cost. */
async function tinyQuery() {
  const tinyFile = path.join(DIR, 'tiny.duckdb');
  if (!existsSync(tinyFile)) await synth('tiny', 7, 200, 'small');
  const prof = values['cpu-prof'];
  const auditDir = values['audit-dir'];
  if (auditDir) mkdirSync(auditDir, { recursive: true });
  const audit = (name: string) => (auditDir ? ['--audit-log', path.join(auditDir, `${name}-${process.pid}.jsonl`)] : []);
  const tiny = await startService(['site', '--db', tinyFile, '--id', 'tiny', '--port', '0', '--dev-insecure', ...audit('site')], {
    nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}/site`] : [],
  });
  // The hub as deployed (src/hub/node-flags.ts).
  const tinyHub = await startService(['hub', '--port', '0', '--dev-insecure', '--site', `tiny=${tiny.url}`, ...audit('hub')], {
    nodeArgs: [...HUB_NODE_FLAGS, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}/hub`] : [])],
  });
  try {
    const plan = {
      ...PROSTATE_COUNT,
      cohort: { ...PROSTATE_COUNT.cohort, PrimaryCriteria: { ...PROSTATE_COUNT.cohort.PrimaryCriteria } },
    };
    const body = JSON.stringify({ plan });
    // What a client does: submit, then read the Arrow stream to its end.
    const roundTrip = async () => {
      const submitted = await fetch(`${tinyHub.url}/v1/queries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const { id } = (await submitted.json()) as { id: string };
      const results = await fetch(`${tinyHub.url}/v1/queries/${id}/results`);
      const bytes = await results.arrayBuffer();
      if (bytes.byteLength === 0) throw new Error('empty results');
    };
    // The site alone, asked directly: what the hub's round trip is compared with.
    const siteOnly = async () => {
      const r = await fetch(`${tiny.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(plan),
      });
      await r.arrayBuffer();
      return Number(r.headers.get('x-fedomop-elapsed-ms'));
    };
    // The transport floor on this machine: the same two requests a round trip makes, answered
    // by the hub without any work (healthz), measured in the same run.
    const floor = async () => {
      await (await fetch(`${tinyHub.url}/healthz`)).arrayBuffer();
      await (await fetch(`${tinyHub.url}/healthz`)).arrayBuffer();
    };
    // One exchange with the site, answered without work: the hub's request to the site costs at least this.
    const siteFloor = async () => {
      await (await fetch(`${tiny.url}/healthz`)).arrayBuffer();
    };
    const engine = await engineFloors(tinyFile, compile(analysisQuery(plan), duckdbDialect));
    for (let i = 0; i < 30; i++) {
      await roundTrip();
      await siteOnly();
      await floor();
      await siteFloor();
      await engine.prepared();
      await engine.planned();
    }
    const times: number[] = [];
    const siteTimes: number[] = [];
    const dbTimes: number[] = [];
    const floorTimes: number[] = [];
    const siteFloorTimes: number[] = [];
    const preparedTimes: number[] = [];
    const plannedTimes: number[] = [];
    const timed = async (f: () => Promise<unknown>, into: number[]) => {
      const t = performance.now();
      await f();
      into.push(performance.now() - t);
    };
    for (let i = 0; i < TINY_RUNS; i++) {
      await timed(siteFloor, siteFloorTimes);
      await timed(engine.prepared, preparedTimes);
      await timed(engine.planned, plannedTimes);
      let t = performance.now();
      await floor();
      floorTimes.push(performance.now() - t);
      t = performance.now();
      await roundTrip();
      times.push(performance.now() - t);
      t = performance.now();
      dbTimes.push(await siteOnly());
      siteTimes.push(performance.now() - t);
    }
    console.log(
      `tiny query (prostate count, ${TINY_RUNS} runs), p50 / p95 — hub round trip (submit + full Arrow results): ` +
        `${median(times).toFixed(2)} / ${pct(times, 95).toFixed(2)} ms (target p50 ≤ 5 ms); the site asked directly: ` +
        `${median(siteTimes).toFixed(2)} / ${pct(siteTimes, 95).toFixed(2)} ms, of which compile + DuckDB + disclosure + Arrow ` +
        `${median(dbTimes).toFixed(2)} ms; hub's own share ${(median(times) - median(siteTimes)).toFixed(2)} ms; ` +
        `transport floor (two empty requests to the hub, same client) ${median(floorTimes).toFixed(2)} ms`,
    );
    // The least any round trip can cost here: the client's two exchanges with the hub, the hub's one
    // with the site, and DuckDB running the site's SQL with no planning at all. None of it is work
    // fedomop could skip for a fresh query; the headline above adds planning and the services' own code.
    const floorSum = median(floorTimes) + median(siteFloorTimes) + median(plannedTimes);
    console.log(
      `tiny query floors, p50 — DuckDB on the site's SQL as the site runs it (prepared, values bound; DuckDB re-plans a ` +
        `parameterised statement that scans a table on every run): ${median(preparedTimes).toFixed(2)} ms; the same SQL ` +
        `with its plan already built (values inlined, measurement only): ${median(plannedTimes).toFixed(2)} ms; one empty ` +
        `exchange with the site: ${median(siteFloorTimes).toFixed(2)} ms; sum of floors (client's two exchanges + the ` +
        `hub's one + planned execution): ${floorSum.toFixed(2)} ms`,
    );
    console.log(
      `tiny query ratio, p50 round trip / sum of floors: ${(median(times) / floorSum).toFixed(2)} (target ≤ 1.5; ` +
        `load ${os.loadavg()[0].toFixed(1)})`,
    );
    // The headline asks the same plan again, as a panel or notebook does; what the services keep
    // between askings (compiled SQL, DuckDB plans, decoded and encoded answers) is then reused. A plan
    // never asked before (a new observation window each time) pays for all of it: shown beside.
    const freshTimes: number[] = [];
    for (let i = 0; i < Math.min(TINY_RUNS, 100); i++) {
      const fresh = JSON.stringify({
        plan: {
          ...plan,
          cohort: {
            ...plan.cohort,
            PrimaryCriteria: { ...plan.cohort.PrimaryCriteria, ObservationWindow: { PriorDays: 1000 + i, PostDays: 0 } },
          },
        },
      });
      const t = performance.now();
      const submitted = await fetch(`${tinyHub.url}/v1/queries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fresh,
      });
      const { id } = (await submitted.json()) as { id: string };
      await (await fetch(`${tinyHub.url}/v1/queries/${id}/results`)).arrayBuffer();
      freshTimes.push(performance.now() - t);
    }
    console.log(
      `tiny query, a plan never asked before (${freshTimes.length} runs): p50 ${median(freshTimes).toFixed(2)} ms, ` +
        `ratio to the floors ${(median(freshTimes) / floorSum).toFixed(2)}`,
    );
    // CPU per call from each process's own clock (/proc/<pid>/stat): it moves less with the machine's
    // load than wall time (still up to ~2x between runs on a shared machine), and says which process
    // the round trip's cost is in.
    const cpu = async (f: () => Promise<unknown>, n = 100) => {
      const [h0, s0, c0, e0] = [cpuMs(tinyHub), cpuMs(tiny), process.cpuUsage(), performance.now()];
      for (let i = 0; i < n; i++) await f();
      const c1 = process.cpuUsage(c0);
      const per = (x: number) => (x / n).toFixed(2);
      return `hub ${per(cpuMs(tinyHub) - h0)}, site ${per(cpuMs(tiny) - s0)}, this process ${per((c1.user + c1.system) / 1000)} ms (wall ${per(performance.now() - e0)})`;
    };
    console.log(
      `tiny query CPU per call (100 calls each, load ${os.loadavg()[0].toFixed(1)}): round trip — ${await cpu(roundTrip)}; ` +
        `site asked directly — ${await cpu(siteOnly)}; two empty requests to the hub — ${await cpu(floor)}; ` +
        `one to the site — ${await cpu(siteFloor)}; DuckDB prepared (re-planned) — ${await cpu(engine.prepared)}; ` +
        `planned — ${await cpu(engine.planned)}`,
    );
    engine.close();
  } finally {
    await tinyHub.stop();
    await tiny.stop();
  }
}

/** CPU time (user + system, ms) a service process has used so far; Linux only (the bench machine). */
function cpuMs(service: Service): number {
  const stat = readFileSync(`/proc/${service.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's utime and stime. */
const CLOCK_TICKS = 100;

/**
 * DuckDB alone on the tiny file, in this process, one thread (as a site runs a CDM this small):
 * `prepared` is what the site does (a prepared statement, values bound per run); `planned` runs the
 * same SQL with the values written in as literals, so DuckDB keeps its plan between runs — only
 * execution is left. Literals are built here for this measurement and never reach a site.
 */
async function engineFloors(file: string, compiled: CompiledQuery) {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', threads: '1' });
  const conn = await db.connect();
  const prepared = await conn.prepare(compiled.sql);
  const types = duckdbParameterTypes(compiled.parameterTypes);
  const literalSql = compiled.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = compiled.parameters[Number(n) - 1];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`not an integer parameter: $${n}`);
    return String(value);
  });
  const planned = await conn.prepare(literalSql);
  return {
    prepared: async () => {
      prepared.bind(compiled.parameters as never, types);
      await prepared.run();
    },
    planned: async () => {
      await planned.run();
    },
    close: () => {
      prepared.destroySync();
      planned.destroySync();
      conn.closeSync();
      db.closeSync();
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
