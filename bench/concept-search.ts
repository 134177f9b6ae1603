/**
 * Concept search benchmark (not a test; issue #13): a 5M-concept vocabulary (`fedomop synth
 * --vocabulary-size`), the site's index build (time, RSS and heap before and after), then a fixed
 * list of 200 queries (words, several words, prefixes, codes, ids, misspellings) timed in-process
 * (the index alone: the baseline), at a `fedomop site` over HTTP, and through a `fedomop hub` (which
 * adds the per-site counts fan-out). Target: p95 < 50 ms at the site. Wall-clock and this process's
 * CPU time are both printed, with the machine's load, because a shared machine inflates wall time.
 * Usage: node lib-test/bench/concept-search.js [--db FILE] [--size 5000000] [--rounds 3] [--rebuild]
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { DuckDbDatabase } from 'fedomop/lib/site/duckdb-database.js';
import { ConceptService } from 'fedomop/lib/site/concept-service.js';
import { directRows } from '../test/harness/federation.js';
import { runCli, startService, type Service } from '../test/harness/processes.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/vocab-bench/site-5m.duckdb' },
    size: { type: 'string', default: '5000000' },
    rounds: { type: 'string', default: '3' },
    rebuild: { type: 'boolean', default: false },
  },
});
const DB = path.resolve(values.db!);
const ROUNDS = Number(values.rounds);
const MB = 1024 * 1024;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** 200 queries, fixed: real and generated words, prefixes, codes, ids, misspellings. */
async function queries(): Promise<string[]> {
  const words = [
    'prostate',
    'breast',
    'lung',
    'kidney',
    'liver',
    'pancreas',
    'colon',
    'bladder',
    'thyroid',
    'brain',
    'carcinoma',
    'neoplasm',
    'ulcer',
    'abscess',
    'fracture',
    'hemorrhage',
    'infection',
    'fibrosis',
    'stenosis',
    'edema',
    'biopsy',
    'resection',
    'ultrasonography',
    'radiography',
    'endoscopy',
    'glucose',
    'hemoglobin',
    'creatinine',
    'sodium',
    'cholesterol',
    'metformin',
    'abiraterone',
    'celecoxib',
    'acetaminophen',
    'tablet',
    'injectable',
    'capsule',
    'smoking',
    'pain',
    'diabetes',
    'ovary',
    'retina',
    'tendon',
    'aneurysm',
    'thrombosis',
    'insulin',
  ];
  const multi = [
    'malignant tumor of prostate',
    'prostate cancer',
    'chronic ulcer of left kidney',
    'acute infection of lung',
    'biopsy of breast',
    'glucose in urine',
    'hemoglobin blood',
    'metformin tablet',
    'oral tablet 500 mg',
    'type 2 diabetes mellitus',
    'essential hypertension',
    'carcinoma of prostate',
    'resection of colon by laparoscopy',
    'fracture of femur',
    'primary malignant neoplasm',
    'prostate specific antigen',
    'cholesterol in ldl',
    'congenital malformation of heart',
    'tumour of prostate',
    'severe pain',
    'recurrent abscess of skin',
    'drug induced dermatitis',
    'creatinine serum',
    'sodium moles volume',
    'injection into knee joint',
    'removal of foreign body',
    'benign cyst of ovary',
    'chronic obstructive lung disease',
    'viral sinusitis',
    'otitis media',
  ];
  const prefixes = [
    'pro',
    'pros',
    'prost',
    'carc',
    'neop',
    'bio',
    'ultra',
    'hem',
    'glu',
    'chol',
    'met',
    'abi',
    'cel',
    'ace',
    'tab',
    'inj',
    'kid',
    'liv',
    'pan',
    'col',
    'mal',
    'chr',
    'acu',
    'fra',
    'inf',
    'zor',
    'bel',
    'dex',
    'flu',
    'lam',
    'a',
    'b',
    'c',
    'p',
    'malignant tu',
    'biopsy of pr',
    'chronic ul',
    'glucose [mass',
    'metformin 5',
    'acute inf',
  ];
  const misspelt = [
    'prostrate',
    'carcinma',
    'neoplsm',
    'hemorrage',
    'abcess',
    'fractur',
    'diabetis',
    'cholestrol',
    'creatinin',
    'glucos',
    'biospy',
    'ultrasonograpy',
    'radiograpy',
    'endoscpy',
    'metformine',
    'abirateron',
    'celecoxb',
    'acetaminophin',
    'tablett',
    'capsul',
    'prostrate cancer',
    'carcinoma of prostrate',
    'chronik ulcer',
    'malignent tumor',
    'brest biopsy',
    'kidny stone',
    'lung infecton',
    'hemoglobn blood',
    'sodim',
    'thyriod',
  ];
  const ids = [200962, 4163261, 443392, 3013603, 1503297, 8507, 9201, 45547509, 35206266, 4272032];
  for (let k = 0; k < 20; k++) ids.push(100_000_000 + ((k * 249_989) % 4_900_000));
  const codeRows = await directRows(
    DB,
    `SELECT concept_code FROM concept WHERE concept_id IN (${ids.slice(10).join(',')}) ORDER BY concept_id`,
  );
  const codes = ['C61', '2857-1', '93974005', '185', ...codeRows.map((r) => String(r.concept_code))];
  const all = [...words, ...multi, ...prefixes, ...misspelt, ...ids.map(String), ...codes];
  if (all.length !== 200) throw new Error(`the query list has ${all.length} queries, not 200`);
  return all;
}

function quantiles(ms: number[]): { p50: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const fmt = (q: { p50: number; p95: number; max: number }) =>
  `p50 ${q.p50.toFixed(1)} ms, p95 ${q.p95.toFixed(1)} ms, max ${q.max.toFixed(1)} ms`;

async function timeHttp(base: string, qs: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of qs) {
      const t = performance.now();
      const res = await fetch(`${base}/v1/concepts/search?q=${encodeURIComponent(q)}&limit=20`);
      if (res.status !== 200) throw new Error(`${base} answered ${res.status} to "${q}": ${await res.text()}`);
      await res.json();
      times.push(performance.now() - t);
    }
  }
  return times;
}

async function main(): Promise<void> {
  console.log(`concept-search bench: ${availableParallelism()} cores, load ${load()} (1/5/15 min)`);
  if (!existsSync(DB)) {
    mkdirSync(path.dirname(DB), { recursive: true });
    const t = performance.now();
    const r = await runCli([
      'synth',
      '--out',
      DB,
      '--persons',
      '2000',
      '--vocabulary-size',
      values.size!,
      '--site-name',
      'bench',
    ]);
    if (r.code !== 0) throw new Error(r.stderr);
    console.log(`synth --vocabulary-size ${values.size}: ${((performance.now() - t) / 1000).toFixed(1)} s (${r.stdout.trim()})`);
  }
  if (values.rebuild) rmSync(`${DB}.concept-index`, { force: true });

  // 1. The index in this process: build (or cache read) time and memory.
  const before = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const db = await DuckDbDatabase.open(DB);
  const service = new ConceptService(db, (line) => console.log('  ' + line), DB);
  const index = await service.index();
  const buildMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = process.memoryUsage();
  console.log(
    `index: ${index.size} concepts, ${index.documents} documents; ${service.cached ? 'read from cache' : 'built'} in ` +
      `${(buildMs / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (this process; DuckDB threads included); ` +
      `rss ${Math.round(before.rss / MB)} → ${Math.round(after.rss / MB)} MB, heap ${Math.round(before.heapUsed / MB)} → ` +
      `${Math.round(after.heapUsed / MB)} MB, arrays ${Math.round(index.bytes / MB)} MB; load ${load()}`,
  );

  const qs = await queries();
  // 2. Baseline: the index alone, warmed once.
  for (const q of qs) index.search(q, { limit: 20 });
  const inproc: number[] = [];
  // CPU time per query too: on a loaded machine the wall time mostly measures waiting for a core.
  const cpuMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const q of qs) {
      const c = process.cpuUsage();
      const t = performance.now();
      index.search(q, { limit: 20 });
      inproc.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpuMs.push((used.user + used.system) / 1000);
    }
  console.log(`in-process search (${inproc.length} = ${qs.length} queries × ${ROUNDS}): wall ${fmt(quantiles(inproc))}`);
  console.log(`  CPU per query: ${fmt(quantiles(cpuMs))}; load ${load()}`);
  const slow = qs
    .map((q, i) => [q, Math.max(...[0, 1, 2].slice(0, ROUNDS).map((r) => inproc[r * qs.length + i]))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  console.log(`  slowest: ${slow.map(([q, ms]) => `"${q}" ${ms.toFixed(1)} ms`).join(', ')}`);
  await service.close();
  await db.close();

  // 3. A real site (reads the cached index at start) and a hub in front of it.
  const services: Service[] = [];
  try {
    const site = await startService(['site', '--db', DB, '--id', 'bench', '--port', '0', '--dev-insecure'], {
      timeoutMs: 600_000,
    });
    services.push(site);
    const hub = await startService(['hub', '--port', '0', '--dev-insecure', '--site', `bench=${site.url}`]);
    services.push(hub);
    const ready = performance.now();
    await fetch(`${site.url}/v1/concepts/search?q=warm`);
    console.log(`site: first search answered ${((performance.now() - ready) / 1000).toFixed(1)} s after start-up (index ready)`);
    for (const q of qs.slice(0, 20)) await fetch(`${site.url}/v1/concepts/search?q=${encodeURIComponent(q)}`);
    const atSite = await timeHttp(site.url, qs);
    console.log(`at the site over HTTP (${atSite.length}): ${fmt(quantiles(atSite))}; load ${load()}`);
    const viaHub = await timeHttp(hub.url, qs);
    console.log(`through the hub (search + counts fan-out) (${viaHub.length}): ${fmt(quantiles(viaHub))}; load ${load()}`);
    const p50In = quantiles(inproc).p50;
    console.log(
      `ratios to the in-process p50: site ${(quantiles(atSite).p50 / p50In).toFixed(1)}x, hub ${(quantiles(viaHub).p50 / p50In).toFixed(1)}x`,
    );
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}

await main();
