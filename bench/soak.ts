/**
 * Soak benchmark (not a test): N clients, each a separate caller, issue count / crosstab / attrition
 * queries through one hub to three sites for a set time, while one site is killed (SIGKILL) and
 * restarted on its port every 30 s and another is paused (SIGSTOP) for 10 s of every 30 s.
 * Prints throughput, p50/p95/p99 latency, per-site outcomes by code, errors the hub made beyond the
 * sites' own (submissions refused, broken streams, queries left running), the hub's RSS over time,
 * and whether the hub's audit log holds exactly the queries the clients saw.
 *
 * Usage: node lib-test/bench/soak.js [--clients 200] [--seconds 600] [--cycle-s 30] [--pause-s 10] [--out soak.json]
 *        [--hub-arg=--query-ttl-s --hub-arg=60] [--v8-defaults] [--hub-node-arg=--max-semi-space-size=16]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { devHubArgs, startService, type Service } from '../test/harness/processes.js';
import { siteFile, THREE_SITES } from '../test/harness/sites.js';
import { SOAK_PLANS } from './soak-plans.js';
import { HUB_NODE_FLAGS } from '../src/hub/node-flags.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '600' },
    'cycle-s': { type: 'string', default: '30' },
    'pause-s': { type: 'string', default: '10' },
    out: { type: 'string' },
    /** Extra hub flags, e.g. --hub-arg=--query-ttl-s --hub-arg=60 (finished queries kept a minute, so RSS settles early). */
    'hub-arg': { type: 'string', multiple: true },
    /** Extra flags for the hub's node, e.g. --hub-node-arg=--max-semi-space-size=4 (V8 heap experiments). */
    'hub-node-arg': { type: 'string', multiple: true },
    /** Without the hub's deployed node flags (src/hub/node-flags.ts): V8's defaults, for comparison. */
    'v8-defaults': { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const CYCLE_MS = Number(values['cycle-s']) * 1000;
const PAUSE_MS = Number(values['pause-s']) * 1000;
/** The killed site and the paused one; the third runs undisturbed. */
const KILLED = 'south';
const PAUSED = 'north';

const PLANS = SOAK_PLANS;
/** The hub runs with the flags it is deployed with, plus --expose-gc for the memory probe. */
const HUB_NODE_ARGS = ['--expose-gc', ...(values['v8-defaults'] ? [] : HUB_NODE_FLAGS), ...(values['hub-node-arg'] ?? [])];

const pct = (xs: number[], p: number) =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After "(comm) ": state is field 3, utime and stime are fields 14 and 15, in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fedomop-soak-'));
  const auditFile = path.join(dir, 'hub-audit.jsonl');
  const files: Record<string, string> = {};
  const sites: Record<string, Service> = {};
  const ports: Record<string, string> = {};
  const unexpected: string[] = [];
  let ending = false;
  const startSite = async (id: string, port: string) => {
    const args = [
      'site',
      '--db',
      files[id],
      '--id',
      id,
      '--port',
      port,
      '--dev-insecure',
      '--audit-log',
      path.join(dir, `${id}.jsonl`),
    ];
    const s = await startService(args);
    // A site that exits without being killed by the soak is a finding: keep what it said.
    s.child.on('exit', (code, signal) => {
      if (!ending && signal !== 'SIGKILL') unexpected.push(`${id} exited (${code ?? signal}): ${s.output().slice(-1500)}`);
    });
    return s;
  };
  for (const spec of THREE_SITES) {
    files[spec.id] = await siteFile(spec);
    sites[spec.id] = await startSite(spec.id, '0');
    ports[spec.id] = new URL(sites[spec.id].url).port;
  }
  // The hub logs its memory after a forced full GC every 5 s (src/hub/memory-probe.ts): live heap
  // apart from collector slack, and what it holds.
  const memoryLog = path.join(dir, 'hub-memory.jsonl');
  const hub = await startService(
    devHubArgs(Object.fromEntries(THREE_SITES.map((s) => [s.id, sites[s.id].url])), [
      '--site-timeout-ms',
      '10000',
      '--audit-log',
      auditFile,
      ...(values['hub-arg'] ?? []),
    ]),
    { nodeArgs: HUB_NODE_ARGS, env: { FEDOMOP_HUB_MEMORY_LOG: memoryLog } },
  );
  const hubPid = hub.child.pid!;
  process.stdout.write(
    `soak: ${CLIENTS} clients, ${SECONDS} s, ${KILLED} killed every ${CYCLE_MS / 1000} s, ${PAUSED} paused ${PAUSE_MS / 1000} s of every ${CYCLE_MS / 1000} s; ` +
      `${new Date().toISOString()}, load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
  );

  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const latencies: number[] = [];
  const siteOutcomes: Record<string, Record<string, number>> = {};
  const hubErrors: Record<string, number> = {};
  const accepted = new Set<string>();
  const rss: Array<{ s: number; mib: number }> = [];
  let finished = 0;
  let chaos = true;

  // Faults: a kill + restart every cycle, a pause in the middle of each cycle.
  const faults = (async () => {
    let kills = 0;
    while (chaos && performance.now() < deadline) {
      await sleep(CYCLE_MS / 2);
      if (!chaos) break;
      sites[PAUSED].child.kill('SIGSTOP');
      await sleep(PAUSE_MS);
      sites[PAUSED].child.kill('SIGCONT');
      await sleep(Math.max(0, CYCLE_MS / 2 - PAUSE_MS));
      if (!chaos) break;
      await sites[KILLED].stop('SIGKILL');
      sites[KILLED] = await startSite(KILLED, ports[KILLED]);
      kills++;
    }
    return kills;
  })();
  const sampler = setInterval(() => rss.push({ s: Math.round((performance.now() - started) / 1000), mib: rssMiB(hubPid) }), 5000);

  const client = async (i: number) => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer soak-client-${i}` };
    let n = i;
    while (performance.now() < deadline) {
      const plan = PLANS[n++ % PLANS.length];
      const t0 = performance.now();
      try {
        const res = await fetch(`${hub.url}/v1/queries`, { method: 'POST', headers, body: JSON.stringify({ plan }) });
        const body = (await res.json()) as any;
        if (res.status !== 202) {
          bump(hubErrors, `submit ${res.status} ${body?.error?.code}`);
          await sleep(200);
          continue;
        }
        accepted.add(body.id);
        const results = await fetch(`${hub.url}/v1/queries/${body.id}/results`);
        await results.arrayBuffer();
        const status = (await (await fetch(`${hub.url}/v1/queries/${body.id}`)).json()) as any;
        latencies.push(performance.now() - t0);
        finished++;
        if (status.state !== 'done') bump(hubErrors, `query ended ${status.state}`);
        for (const [site, s] of Object.entries(status.sites as Record<string, any>)) {
          bump((siteOutcomes[site] ??= {}), s.state === 'done' ? 'done' : (s.error?.code ?? s.state));
        }
      } catch (err) {
        bump(hubErrors, `client saw: ${(err as Error).message}`);
        await sleep(200);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  chaos = false;
  const kills = await faults;
  sites[PAUSED].child.kill('SIGCONT');
  clearInterval(sampler);
  const elapsedS = (performance.now() - started) / 1000;

  // Nothing may be left running once the clients have read every answer.
  let stuck = 0;
  for (const id of accepted) {
    const s = (await (await fetch(`${hub.url}/v1/queries/${id}`)).json()) as any;
    if (s.state === 'running') stuck++;
  }
  const hubCpuS = cpuSeconds(hubPid);
  ending = true;
  await hub.stop();
  await Promise.all(Object.values(sites).map((s) => s.stop()));

  const audited = readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; id?: string });
  const auditIds = new Set(audited.filter((l) => l.event === 'query').map((l) => l.id!));
  const unknownAudit = [...auditIds].filter((id) => !accepted.has(id)).length;
  const unaudited = [...accepted].filter((id) => !auditIds.has(id)).length;

  const minute = (series: Array<{ s: number; mib: number }>, from: number, to: number) => {
    const xs = series.filter((r) => r.s >= from && r.s < to).map((r) => r.mib);
    return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  };
  const second = minute(rss, 60, 120);
  const last = minute(rss, Math.max(0, elapsedS - 60), elapsedS + 1);
  // The hub's own view after a forced GC: each figure's second minute against its last.
  const memoryLines = readFileSync(memoryLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const memory = memoryLines.map(flatMemoryLine);
  // The collector's pauses over the whole run (the probe's forced collections left out).
  const gcTotal = (key: string) =>
    memoryLines.reduce<[number, number]>(
      (t, l) => {
        const [n, ms] = (l[key] as [number, number] | undefined) ?? [0, 0];
        return [t[0] + n, t[1] + ms];
      },
      [0, 0],
    );
  const gcPauses = { minor: gcTotal('gcMinor'), major: gcTotal('gcMajor') };
  const memoryKeys = [
    'rss',
    'heapUsed',
    'heapTotal',
    'physical',
    'new',
    'old',
    'large_object',
    'code',
    'external',
    'arrayBuffers',
    'native',
    'queries',
    'storeMiB',
  ];
  const afterGc = Object.fromEntries(
    memoryKeys.map((k) => {
      const series = memory.map((m) => ({ s: m.s, mib: m[k] }));
      const a = minute(series, 60, 120);
      const b = minute(series, Math.max(0, elapsedS - 60), elapsedS + 1);
      return [k, { secondMinute: +a.toFixed(1), lastMinute: +b.toFixed(1), ratio: +(b / a).toFixed(3) }];
    }),
  );
  const report = {
    clients: CLIENTS,
    seconds: Math.round(elapsedS),
    kills,
    queries: finished,
    throughputPerS: +(finished / elapsedS).toFixed(1),
    latencyMs: { p50: +pct(latencies, 50).toFixed(1), p95: +pct(latencies, 95).toFixed(1), p99: +pct(latencies, 99).toFixed(1) },
    siteOutcomes,
    hubErrors,
    stuckRunning: stuck,
    hubCpu: { seconds: hubCpuS, msPerQuery: +((hubCpuS * 1000) / Math.max(1, finished)).toFixed(2) },
    gcPauses,
    rssMiB: { secondMinute: +second.toFixed(1), lastMinute: +last.toFixed(1), ratio: +(last / second).toFixed(3), samples: rss },
    afterGc,
    memorySamples: memory,
    audit: { lines: audited.length, queries: auditIds.size, accepted: accepted.size, unknownAudit, unaudited },
  };
  const { samples, ...rssSummary } = report.rssMiB;
  process.stdout.write(
    [
      `queries finished: ${report.queries} in ${report.seconds} s → ${report.throughputPerS}/s; ${kills} kills of ${KILLED}`,
      `latency p50 / p95 / p99: ${report.latencyMs.p50} / ${report.latencyMs.p95} / ${report.latencyMs.p99} ms`,
      `hub CPU: ${hubCpuS.toFixed(1)} s, ${report.hubCpu.msPerQuery} ms per query (node flags: ${HUB_NODE_ARGS.join(' ')}); ` +
        `GC pauses: ${gcPauses.minor[0]} scavenges ${gcPauses.minor[1].toFixed(0)} ms, ${gcPauses.major[0]} mark-compact steps ${gcPauses.major[1].toFixed(0)} ms ` +
        `(${((gcPauses.minor[1] + gcPauses.major[1]) / Math.max(1, finished)).toFixed(2)} ms per query)`,
      ...Object.entries(siteOutcomes).map(([site, o]) => `site ${site}: ${JSON.stringify(o)}`),
      `hub errors beyond the sites' own: ${JSON.stringify(hubErrors)}; queries left running: ${stuck}`,
      `hub RSS: ${JSON.stringify(rssSummary)} (over time: ${samples
        .filter((_, i) => i % 12 === 0)
        .map((r) => `${r.s}s ${r.mib.toFixed(0)}`)
        .join(', ')} MiB)`,
      // Per-minute means: one sample at the second minute's peak or trough moves the ratio above by
      // ±10 % on its own; the series says whether RSS settles or grows.
      `hub RSS after a forced GC, mean per minute (MiB, with heapTotal and queries held): ${perMinute(memory)
        .map((m) => `${m.minute}: ${m.rss} / ${m.heapTotal} / ${m.queries}`)
        .join(', ')}`,
      // Which memory the RSS is made of (src/hub/memory-probe.ts): V8's spaces as committed, the
      // Buffers' memory, and the rest of the process (malloc, libuv, code).
      `hub memory split, mean per minute (MiB; rss = heap [new + old + other spaces] + external + native; heapUsed):`,
      ...perMinute(memory).map(
        (m) =>
          `  ${m.minute}: ${m.rss} = ${m.heapTotal} [${m.new} + ${m.old} + ${m.otherSpaces}] + ${m.external} + ${m.native}; used ${m.heapUsed}`,
      ),
      `hub memory after a forced GC (MiB; queries held; second minute → last): ${Object.entries(afterGc)
        .map(([k, v]) => `${k} ${v.secondMinute} → ${v.lastMinute} (${v.ratio})`)
        .join(', ')}`,
      `  over time (s: rss / heapUsed / external / queries): ${memory
        .filter((_, i) => i % 12 === 0)
        .map((m) => `${m.s}: ${m.rss} / ${m.heapUsed} / ${m.external} / ${m.queries}`)
        .join(', ')}`,
      `load (1/5/15 min) at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
      `sites that exited on their own: ${unexpected.length === 0 ? 'none' : unexpected.join('\n')}`,
      `audit: ${report.audit.queries} query lines for ${report.audit.accepted} accepted queries; ${unknownAudit} lines for queries no client saw, ${unaudited} accepted queries without a line`,
    ].join('\n') + '\n',
  );
  if (values.out) writeFileSync(values.out, JSON.stringify(report, null, 2));
}

/**
 * A probe line with each V8 space's committed size as a key of its own (`new`, `old`, …; the line has
 * `space: {name: [size, used]}`), and `native` where an older hub's line lacks it.
 */
function flatMemoryLine(line: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(line)) if (typeof v === 'number') out[k] = v;
  for (const [name, [size]] of Object.entries((line.space ?? {}) as Record<string, [number, number]>)) out[name] = size;
  out.native ??= +(out.rss - out.heapTotal - out.external).toFixed(1);
  return out;
}

/** Mean RSS, its split, and queries held per whole minute of the memory log. */
function perMinute(memory: Array<Record<string, number>>) {
  const minutes = new Map<number, Array<Record<string, number>>>();
  for (const m of memory) {
    const minute = Math.floor(m.s / 60);
    minutes.set(minute, [...(minutes.get(minute) ?? []), m]);
  }
  const mean = (xs: number[]) => +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
  return [...minutes].map(([minute, ms]) => ({
    minute: minute + 1,
    rss: mean(ms.map((m) => m.rss)),
    heapTotal: mean(ms.map((m) => m.heapTotal)),
    heapUsed: mean(ms.map((m) => m.heapUsed)),
    new: mean(ms.map((m) => m.new ?? NaN)),
    old: mean(ms.map((m) => m.old ?? NaN)),
    otherSpaces: mean(ms.map((m) => m.heapTotal - (m.new ?? NaN) - (m.old ?? NaN))),
    external: mean(ms.map((m) => m.external)),
    native: mean(ms.map((m) => m.native)),
    queries: Math.round(mean(ms.map((m) => m.queries))),
  }));
}

await main();
