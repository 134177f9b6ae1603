/**
 * Flood benchmark (not a test): the abuse test's scenario with figures. One caller ("alice") floods
 * the hub with crosstab queries to three sites; meanwhile a second caller ("bob") runs one small count
 * after another. Prints bob's quiet latency (alone, before the flood), each of his latencies during
 * the flood, and their ratio to the quiet median (issue 11's target: under 2×), plus how long the hub
 * took to accept his submission (the event loop's share) and what the flood did.
 *
 * Usage: node lib-test/bench/flood.js [--flood 200] [--quiet 15] [--samples 6] [--cpu-prof DIR] [--bob-client fetch|own]
 *        [--bob-in process|same] [--give-way host|site] [--hub-audit file|stdout]
 *   --cpu-prof DIR: the hub runs with `node --cpu-prof` and writes its profile into DIR on exit.
 *   --bob-in: the second caller runs in a process of its own (bench/flood-caller.ts), as a second
 *     notebook does; `same` runs it in this process, where its timings also include this event loop
 *     starting and reading the flood's 200 queries (how it was measured before session 7).
 */
import { HUB_NODE_FLAGS } from '../src/hub/node-flags.js';
import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { devSiteArgs, startService, type Service } from '../test/harness/processes.js';
import { siteFile, THREE_SITES } from '../test/harness/sites.js';
import { Bob, type BobClient, type BobRun } from './flood-caller.js';
import { CROSSTAB } from '../test/harness/flood-plans.js';
import { add, diff, snapshot, type ProcCpu } from './proc-cpu.js';

const { values } = parseArgs({
  options: {
    flood: { type: 'string', default: '200' },
    quiet: { type: 'string', default: '15' },
    samples: { type: 'string', default: '6' },
    'cpu-prof': { type: 'string' },
    /** `own`: the second caller talks over node:http with its own connections, apart from the flood's fetch pool. */
    'bob-client': { type: 'string', default: 'fetch' },
    /** `process` (default): the second caller runs in a child process, as a second notebook would; `same`: in this one. */
    'bob-in': { type: 'string', default: 'process' },
    /** `site`: backlogs give way only at the site where a one-off call runs, not at its host's other sites (before session 8). */
    'give-way': { type: 'string', default: 'host' },
    /** `file` (default): the hub's audit log to a file; `stdout`: to its standard output, a pipe to this process (before session 8). */
    'hub-audit': { type: 'string', default: 'file' },
  },
});
const FLOOD = Number(values.flood);
const QUIET = Number(values.quiet);
const SAMPLES = Number(values.samples);

const SITE_IDS = THREE_SITES.map((s) => s.id);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f1 = (x: number) => x.toFixed(1);
const f0 = (x: number) => x.toFixed(0);

/** "name run/waited ms" per process, and the sum: who had the cores while bob's query ran. */
function cpuLine(d: Record<string, ProcCpu>, per = 1): string {
  const parts = Object.entries(d).map(([n, c]) => `${n} ${f0(c.runMs / per)}/${f0(c.waitMs / per)}`);
  const sum = Object.values(d).reduce((a, c) => a + c.runMs, 0) / per;
  return `cpu ms run/waited: ${parts.join(', ')}; all ${f0(sum)}`;
}

/** The second caller, in a process of its own (default) or in this one (`--bob-in same`, as before). */
interface BobHandle {
  pid: number;
  once(): Promise<BobRun>;
  close(): void;
}

function startBob(base: string): BobHandle {
  const client = values['bob-client'] as BobClient;
  if (values['bob-in'] === 'same') {
    const bob = new Bob(base, client, SITE_IDS);
    return { pid: process.pid, once: () => bob.once(), close: () => bob.close() };
  }
  const child = fork(fileURLToPath(new URL('./flood-caller.js', import.meta.url)), [base, client, SITE_IDS.join(',')]);
  let waiting: { resolve: (r: BobRun) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (m: { run?: BobRun; error?: string }) => {
    const w = waiting!;
    waiting = undefined;
    if (m.run) w.resolve(m.run);
    else w.reject(new Error(`second caller: ${m.error}`));
  });
  child.on('exit', (code) => waiting?.reject(new Error(`second caller exited (${code})`)));
  return {
    pid: child.pid!,
    once: () =>
      new Promise<BobRun>((resolve, reject) => {
        waiting = { resolve, reject };
        child.send('once');
      }),
    close: () => {
      if (child.connected) child.send('stop');
    },
  };
}

async function submit(base: string, who: string, plan: unknown): Promise<{ id: string; acceptMs: number }> {
  const t = performance.now();
  const res = await fetch(`${base}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${who}` },
    body: JSON.stringify({ plan, sites: SITE_IDS }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 202) throw new Error(`${who}: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, acceptMs: performance.now() - t };
}

/** Reads the whole results stream (it ends with the query), then the status, as a client does. */
async function finish(base: string, who: string, id: string): Promise<any> {
  const headers = { authorization: `Bearer ${who}` };
  await (await fetch(`${base}/v1/queries/${id}/results`, { headers })).arrayBuffer();
  return (await fetch(`${base}/v1/queries/${id}`, { headers })).json();
}

async function main(): Promise<void> {
  const sites: Service[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fedomop-flood-'));
  // Each site's audit log says how long its handler took for each of bob's plans (elapsedMs).
  const siteAudit = (id: string) => path.join(dir, `${id}-audit.jsonl`);
  for (const spec of THREE_SITES) {
    sites.push(await startService(devSiteArgs(await siteFile(spec), spec.id, siteAudit(spec.id))));
  }
  // The hub as deployed (src/hub/node-flags.ts).
  const nodeArgs: string[] = [...HUB_NODE_FLAGS];
  // The hub logs how late its event loop ran, every second (src/hub/memory-probe.ts; no forced GC here).
  const probe = path.join(dir, 'hub-memory.jsonl');
  if (values['cpu-prof']) {
    mkdirSync(values['cpu-prof'], { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`);
  }
  // A hub that does not start must not leave the sites running.
  const hub = await startService(
    [
      'hub',
      '--port',
      '0',
      '--dev-insecure',
      '--max-queries-per-caller',
      String(FLOOD + 10),
      // Its audit lines to a file, as the sites' are: on standard output they are a synchronous write to
      // this process's pipe, which this busy event loop drains late (the hub's writes then wait for it).
      ...(values['hub-audit'] === 'file' ? ['--audit-log', path.join(dir, 'hub-audit.jsonl')] : []),
      ...SITE_IDS.flatMap((id, i) => ['--site', `${id}=${sites[i].url}`]),
    ],
    {
      nodeArgs,
      env: {
        FEDOMOP_HUB_MEMORY_LOG: probe,
        FEDOMOP_HUB_MEMORY_EVERY_MS: '1000',
        ...(values['give-way'] === 'site' && { FEDOMOP_HUB_GIVE_WAY: 'site' }),
      },
    },
  ).catch(async (err: unknown) => {
    await Promise.all(sites.map((s) => s.stop()));
    throw err;
  });
  let bob: BobHandle | undefined;
  try {
    bob = startBob(hub.url);
    console.log(
      `flood benchmark — ${new Date().toISOString()}, load ${os.loadavg().map(f1).join(' ')}, ${os.cpus().length} cores; second caller in ${values['bob-in'] === 'same' ? "the flood's process" : 'its own process'}; give-way per ${values['give-way']}; hub audit to ${values['hub-audit']}`,
    );
    // Warm-up: connections, DuckDB caches, JIT on both paths.
    for (let i = 0; i < 5; i++) await bob.once();
    for (const id of (await Promise.all(Array.from({ length: 6 }, () => submit(hub.url, 'alice', CROSSTAB)))).map((s) => s.id))
      await finish(hub.url, 'alice', id);
    // CPU per process (all threads) around each of bob's queries: /proc/<pid>/task/*/schedstat.
    const pids: Record<string, number | undefined> = {
      hub: hub.child.pid,
      ...Object.fromEntries(SITE_IDS.map((id, i) => [id, sites[i].child.pid])),
      alice: process.pid,
    };
    if (values['bob-in'] !== 'same') pids.bob = bob.pid;
    const quiet: number[] = [];
    const quietAccept: number[] = [];
    const quietHub: number[] = [];
    const quietCpu: Record<string, ProcCpu> = {};
    for (let i = 0; i < QUIET; i++) {
      const before = snapshot(pids);
      const r = await bob.once();
      add(quietCpu, diff(before, snapshot(pids)));
      quiet.push(r.ms);
      quietAccept.push(r.acceptMs);
      quietHub.push(r.hubMs);
    }
    const quietP50 = median(quiet);
    console.log(`bob alone, last run: ${(await bob.once()).sites}`);

    const floodStart = performance.now();
    const floodStartWall = Date.now();
    const flood = await Promise.all(Array.from({ length: FLOOD }, () => submit(hub.url, 'alice', CROSSTAB)));
    const floodAccepted = performance.now() - floodStart;
    let floodLeft = flood.length;
    const floodDone = Promise.all(
      flood.map((f) =>
        finish(hub.url, 'alice', f.id).then((s) => {
          floodLeft--;
          return s;
        }),
      ),
    );
    const during: Array<BobRun & { pending: number; cpu: Record<string, ProcCpu> }> = [];
    for (let i = 0; i < SAMPLES && floodLeft > 0; i++) {
      const pending = floodLeft;
      const before = snapshot(pids);
      const run = await bob.once();
      during.push({ ...run, pending, cpu: diff(before, snapshot(pids)) });
    }
    const floodStatuses = await floodDone;
    const floodMs = performance.now() - floodStart;
    const floodEndWall = Date.now();
    const floodFailures = floodStatuses.filter((s) => s.state !== 'done').length;

    console.log(
      `bob alone (${QUIET} runs): p50 ${f1(quietP50)} ms (min ${f1(Math.min(...quiet))}, max ${f1(Math.max(...quiet))}); ` +
        `submission accepted in p50 ${f1(median(quietAccept))} ms; beyond the slowest site p50 ${f1(median(quietHub))} ms`,
    );
    console.log(`bob alone, mean per query: ${cpuLine(quietCpu, QUIET)}`);
    console.log(
      `flood: ${FLOOD} crosstabs from alice accepted in ${f1(floodAccepted)} ms, all finished after ${f1(floodMs)} ms; ` +
        `${floodFailures} not done`,
    );
    for (const [i, d] of during.entries()) {
      console.log(
        `  bob during the flood #${i + 1}: ${f1(d.ms)} ms (×${(d.ms / quietP50).toFixed(2)}), accepted in ${f1(d.acceptMs)} ms (handled after ${d.handledAfter}), ` +
          `${d.state}, ${d.pending} flood queries unfinished when sent; ${d.sites}; beyond the slowest site ${f1(d.hubMs)} ms`,
      );
      console.log(`    ${cpuLine(d.cpu)}`);
    }
    const dur = during.map((d) => d.ms);
    console.log(
      `bob during the flood (${during.length} samples): p50 ${f1(median(dur))} ms, max ${f1(Math.max(...dur))} ms; ` +
        `ratio p50 ×${(median(dur) / quietP50).toFixed(2)}, max ×${(Math.max(...dur) / quietP50).toFixed(2)} (target < 2); ` +
        `beyond the slowest site p50 ${f1(median(during.map((d) => d.hubMs)))} ms ` +
        `(×${(median(during.map((d) => d.hubMs)) / median(quietHub)).toFixed(2)} of quiet); load now ${os.loadavg().map(f1).join(' ')}`,
    );
    // The sites' own handler time for bob's plans (the audit line's elapsedMs), quiet against during
    // the flood: what of bob's time the sites spent, the rest being HTTP, the hub and the clients.
    const bobKey = createHash('sha256').update('Bearer bob').digest('hex').slice(0, 16);
    const perSite = SITE_IDS.map((id) => {
      const lines = readFileSync(siteAudit(id), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { caller?: string; event: string; elapsedMs: number })
        .filter((l) => l.caller === bobKey && l.event === 'execute');
      const quietSite = lines.slice(5, 5 + QUIET).map((l) => l.elapsedMs);
      const duringSite = lines.slice(-during.length).map((l) => l.elapsedMs);
      return `${id} ${f1(median(quietSite))} → ${f1(median(duringSite))} ms (×${(median(duringSite) / median(quietSite)).toFixed(2)})`;
    });
    console.log(`sites' own handler time for bob's count, p50 quiet → during the flood: ${perSite.join(', ')}`);
    // How late the hub's event loop ran while the flood lasted (1 s windows).
    const lines = readFileSync(probe, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { at: number; loopP99Ms: number; loopMaxMs: number; preempted?: number });
    const windows = lines.filter((w) => w.at >= floodStartWall && w.at <= floodEndWall + 1000);
    const stopped = (w: { preempted?: number } | undefined) => w?.preempted ?? 0;
    const before = lines.filter((w) => w.at < floodStartWall).at(-1);
    console.log(
      `flood site calls stopped for the second caller's and run again later (src/hub/scheduler.ts): ` +
        `${stopped(windows.at(-1)) - stopped(before)} of ${FLOOD * SITE_IDS.length}`,
    );
    console.log(
      `hub event loop during the flood (${windows.length} 1-s windows): worst delay ${Math.max(...windows.map((w) => w.loopMaxMs))} ms, ` +
        `median of the windows' p99 ${median(windows.map((w) => w.loopP99Ms))} ms; first 15 s, max per second: ` +
        windows
          .slice(0, 15)
          .map((w) => w.loopMaxMs)
          .join(' '),
    );
  } finally {
    bob?.close();
    await hub.stop();
    await Promise.all(sites.map((s) => s.stop()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
