/**
 * How fast a site stops a call the hub gave up on (not a test): the hub's give-way (src/hub/scheduler.ts)
 * stops a flood's running crosstab at a site so that a second caller's count runs there alone, but the
 * crosstab's SQL runs on until DuckDB sees the interrupt. One real site (central), the flood scenario's
 * plans, one call at a time:
 *   - the crosstab and the count alone (p50 of their handler time, the audit line's elapsedMs);
 *   - a crosstab whose connection is closed after d ms, for several d: how long after the close the
 *     site's audit line for it was written (its SQL had stopped), from the same clock;
 *   - a count sent the moment a crosstab is closed, against the count alone: what a stopped call still
 *     costs the call it was stopped for.
 *
 * Usage: node lib-test/bench/site-interrupt.js [--reps 10]
 */
import { parseArgs } from 'node:util';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { devSiteArgs, startService } from '../test/harness/processes.js';
import { siteFile, THREE_SITES } from '../test/harness/sites.js';
import { COUNT, CROSSTAB } from '../test/harness/flood-plans.js';
import { procCpu } from './proc-cpu.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '10' } } });
const REPS = Number(values.reps);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f1 = (x: number) => x.toFixed(1);

interface Sent {
  answered: Promise<{ status: number; ms: number }>;
  /** Closes the connection (as the hub does when it stops a call); returns the wall clock then. */
  close(): number;
}

function execute(base: string, who: string, plan: unknown): Sent {
  const t = performance.now();
  let req!: http.ClientRequest;
  const answered = new Promise<{ status: number; ms: number }>((resolve) => {
    req = http.request(
      `${base}/v1/execute`,
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${who}` }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - t }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t }));
    req.end(JSON.stringify(plan));
  });
  return {
    answered,
    close: () => {
      req.destroy();
      return Date.now();
    },
  };
}

interface AuditLine {
  time: string;
  caller?: string;
  event: string;
  outcome: string;
  analysis?: string;
  elapsedMs: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fedomop-interrupt-'));
  const audit = path.join(dir, 'audit.jsonl');
  const spec = THREE_SITES[0];
  const site = await startService(devSiteArgs(await siteFile(spec), spec.id, audit));
  const lines = () =>
    readFileSync(audit, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditLine)
      .filter((l) => l.event === 'execute');
  try {
    console.log(
      `site interrupt benchmark — ${new Date().toISOString()}, load ${os.loadavg().map(f1).join(' ')}, ${os.cpus().length} cores, site ${spec.id}`,
    );
    for (let i = 0; i < 5; i++) {
      await execute(site.url, 'alice', CROSSTAB).answered;
      await execute(site.url, 'bob', COUNT).answered;
    }
    // The site's CPU for a count (all its threads, /proc schedstat): unlike its time, hardly moved by
    // other work on the machine, so a re-planned count shows even on a busy one.
    const cpuOf = async (plan: unknown, who: string) => {
      const before = procCpu(site.child.pid!)!.runMs;
      const r = await execute(site.url, who, plan).answered;
      return { ...r, cpuMs: procCpu(site.child.pid!)!.runMs - before };
    };
    const crosstab: number[] = [];
    const count: number[] = [];
    const countCpu: number[] = [];
    for (let i = 0; i < REPS; i++) {
      crosstab.push((await execute(site.url, 'alice', CROSSTAB).answered).ms);
      const c = await cpuOf(COUNT, 'bob');
      count.push(c.ms);
      countCpu.push(c.cpuMs);
    }
    const alone = lines().slice(-2 * REPS);
    const handler = (kind: string) => median(alone.filter((l) => l.analysis === kind).map((l) => l.elapsedMs));
    console.log(
      `alone (${REPS} each): crosstab ${f1(median(crosstab))} ms at the client, handler ${f1(handler('crosstab'))} ms; ` +
        `count ${f1(median(count))} ms, handler ${f1(handler('count'))} ms, site CPU ${f1(median(countCpu))} ms`,
    );

    // Closed at fractions of the crosstab's own time at the client: early in its SQL … late in building its answer.
    for (const d of [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.round(f * median(crosstab)))) {
      const stopLag: number[] = [];
      let finished = 0;
      for (let i = 0; i < REPS; i++) {
        const before = lines().length;
        const x = execute(site.url, 'alice', CROSSTAB);
        await sleep(d);
        const closedAt = x.close();
        await x.answered;
        // The site writes the line when its SQL has stopped (or the answer was complete).
        let mine: AuditLine | undefined;
        for (let t = 0; t < 200 && !mine; t++) {
          mine = lines()[before];
          if (!mine) await sleep(5);
        }
        if (!mine || mine.outcome !== 'cancelled') finished++;
        else stopLag.push(Date.parse(mine.time) - closedAt);
      }
      console.log(
        `crosstab closed after ${d} ms: ${stopLag.length} stopped, the site's line written p50 ${stopLag.length ? median(stopLag) : '-'} ms ` +
          `(max ${stopLag.length ? Math.max(...stopLag) : '-'}) after the close; ${finished} had finished first`,
      );
    }

    // A count once a stopped crosstab's SQL has ended: its handler time against the count alone (which
    // follows a finished crosstab). The difference is not CPU (nothing else runs): an interrupted
    // connection is closed, and the count may land on one where it has no kept plan (duckdb-sessions.ts).
    const settled: number[] = [];
    const settledCpu: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const x = execute(site.url, 'alice', CROSSTAB);
      await sleep(10);
      x.close();
      await x.answered;
      await sleep(Number(process.env.SETTLE ?? 40));
      settledCpu.push((await cpuOf(COUNT, 'bob')).cpuMs);
      settled.push(lines().at(-1)!.elapsedMs);
    }
    console.log(
      `count after a stopped crosstab (its SQL ended): handler p50 ${f1(median(settled))} ms (×${(median(settled) / handler('count')).toFixed(2)} the count alone), ` +
        `site CPU ${f1(median(settledCpu))} ms (×${(median(settledCpu) / median(countCpu)).toFixed(2)})`,
    );
    const after: number[] = [];
    const beside: number[] = [];
    for (let i = 0; i < REPS; i++) {
      // A count sent the moment a running crosstab is closed (the hub's give-way) …
      const x = execute(site.url, 'alice', CROSSTAB);
      await sleep(10);
      x.close();
      after.push((await execute(site.url, 'bob', COUNT).answered).ms);
      await x.answered;
      await sleep(50);
      // … and one beside a crosstab left running (no give-way).
      const y = execute(site.url, 'alice', CROSSTAB);
      await sleep(10);
      beside.push((await execute(site.url, 'bob', COUNT).answered).ms);
      await y.answered;
      await sleep(50);
    }
    console.log(
      `count at the client: alone p50 ${f1(median(count))} ms; sent as a running crosstab is closed ${f1(median(after))} ms ` +
        `(×${(median(after) / median(count)).toFixed(2)}); beside a running crosstab ${f1(median(beside))} ms (×${(median(beside) / median(count)).toFixed(2)})`,
    );
    console.log(`load now ${os.loadavg().map(f1).join(' ')}`);
  } finally {
    await site.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
