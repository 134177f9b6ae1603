/**
 * Synth benchmark (not a test): `fedomop synth` on the demo's three sites (same seeds, profiles and
 * sizes as `fedomop demo`), each run `--runs` times. Prints the median wall and CPU time per site (CPU:
 * this process's, DuckDB's threads included; steadier than wall time on a shared machine) and, from
 * the generator's own per-table timings, what the tables added for the cohort builder (visit_detail,
 * observation, device_exposure, specimen, payer_plan_period and the three era tables) cost next to
 * the tables that were there before them, measured in the same runs.
 * Usage: node lib-test/bench/synth-bench.js [--runs 3] [--persons-scale 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SITES } from 'fedomop/lib/cli/demo-command.js';
import { generateSite, type SynthReport } from 'fedomop/lib/synth/index.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, 'persons-scale': { type: 'string', default: '1' } },
});
const RUNS = Number(values.runs);
const SCALE = Number(values['persons-scale']);

/** Tables the generator gained with the era and "other domains" work; the rest were there before. */
const ADDED = new Set([
  'visit_detail',
  'observation',
  'device_exposure',
  'specimen',
  'payer_plan_period',
  'condition_era',
  'drug_era',
  'dose_era',
]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-synth-bench-'));
try {
  console.log(
    `synth benchmark: ${RUNS} runs per site; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('site      persons  total ms    cpu ms  added tables ms  earlier tables ms  added / total');
  for (const s of DEMO_SITES) {
    const persons = Math.max(1, Math.round(s.persons * SCALE));
    const reports: SynthReport[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = process.cpuUsage();
      reports.push(await generateSite({ out: path.join(dir, `${s.id}.duckdb`), seed: s.seed, persons, profile: s.profile }));
      const used = process.cpuUsage(before);
      cpuMs.push(Math.round((used.user + used.system) / 1000));
    }
    const total = median(reports.map((r) => r.elapsedMs));
    const cpu = median(cpuMs);
    const added = median(
      reports.map((r) =>
        sum(
          Object.entries(r.tableMs)
            .filter(([t]) => ADDED.has(t))
            .map(([, ms]) => ms),
        ),
      ),
    );
    const earlier = median(
      reports.map((r) =>
        sum(
          Object.entries(r.tableMs)
            .filter(([t]) => !ADDED.has(t))
            .map(([, ms]) => ms),
        ),
      ),
    );
    console.log(
      `${s.id.padEnd(9)} ${String(persons).padStart(7)} ${String(total).padStart(9)} ${String(cpu).padStart(9)} ${String(added).padStart(16)} ` +
        `${String(earlier).padStart(18)} ${((100 * added) / total).toFixed(0).padStart(13)} %`,
    );
    const last = reports[reports.length - 1];
    console.log(
      `          per added table (last run): ${[...ADDED].map((t) => `${t} ${last.tableMs[t]} ms / ${last.rowCounts[t]} rows`).join(', ')}`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
