/**
 * Kaplan–Meier counts in the release history (issue 9), as an analyst would attack them through
 * the hub: real site processes on a synthetic DuckDB file, one hub in front of them.
 *
 * - KM vs KM: a KM, then the same KM on a cohort with 1 … k−1 persons fewer (the oldest left out by
 *   an age bound): every per-bin difference of 1 … k−1 persons is left more than one value for the
 *   analyst, and the second KM's counts holding those persons are widened (standard) or the second
 *   KM refused, naming the first (strict).
 * - count vs KM: a count of the cohort minus a few persons, then the KM of the whole cohort: its
 *   at-risk set at day 0 differs by those persons and is widened.
 * The truth comes from the file (the persons' values, placed on each KM's agreed grid).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { plainRows, runThroughHub, type PlainRow } from '../harness/hub-api.js';
import { devHubArgs, startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';
import { Scoreboard, closeTruth, cohort, meet, minus, plan, truth, type Cancer, type Interval } from '../harness/attacks.js';
import { compileVariables, variableValuesQuery, type Variables } from '../../src/analysis/variables/index.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import { binEnd } from '../../src/stats/km-bins.js';
import { planHash } from '../../src/plan/hash.js';
import type { Plan } from '../../src/plan/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-km-disclosure-'));
const running: Service[] = [];
let file = '';
let hub: Service;
const VARIABLES: Variables = { os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 } };
const BIN_DAYS = 30;

const sites: Record<string, Service> = {};

async function startSite(id: string, profile: string, port = '0'): Promise<Service> {
  const s = await startService([
    'site', '--db', file, '--id', id, '--port', port, '--dev-insecure', '--disclosure-profile', profile,
    '--history-dir', path.join(dir, id), '--secret-file', path.join(dir, 'site.secret'),
  ]); // prettier-ignore
  running.push(s);
  sites[id] = s;
  return s;
}

before(async () => {
  file = await siteFile(THREE_SITES[0]); // central, 12,000 persons
  writeFileSync(path.join(dir, 'site.secret'), createHash('sha256').update('fedomop km disclosure').digest('hex') + '\n', {
    mode: 0o600,
  });
  const std = await startSite('std', 'standard');
  const strict = await startSite('strict', 'strict');
  hub = await startService(devHubArgs({ std: std.url, strict: strict.url }));
  running.push(hub);
});

after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await closeTruth();
  rmSync(dir, { recursive: true, force: true });
});

const km = (c: Plan['cohort']): Plan => ({
  ...plan(c, { kind: 'km', variables: VARIABLES, time: 'os', binDays: BIN_DAYS } as never),
});

/** The cancer's first-diagnosis cohort and the same with the oldest left out, differing by 1 … k−1 persons. */
async function pair(cancer: Cancer, k: number): Promise<{ all: Plan['cohort']; fewer: Plan['cohort']; t: number }> {
  const persons = async (c: Plan['cohort']) => Number((await truth(file, plan(c, { kind: 'count' } as never)))[0].persons);
  const all = cohort(cancer);
  const n = await persons(all);
  for (let age = 110; age > 40; age--) {
    const fewer = cohort(cancer, { Age: { Value: age, Op: 'lt' } });
    const t = n - (await persons(fewer));
    if (t === 0) continue;
    if (t < k) return { all, fewer, t };
    break;
  }
  throw new Error(`no age bound leaves out 1 … ${k - 1} ${cancer} persons`);
}

/** The persons' (days, event) of a cohort, from the file. */
async function people(c: Plan['cohort']): Promise<Array<{ days: number; event: number }>> {
  const compiled = compileVariables(c, VARIABLES);
  const col = (role: string) => compiled.columns.find((x) => x.name === 'os' && x.role === role)!.column;
  const q = compile(variableValuesQuery(compiled), duckdbDialect);
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    const rows = (await conn.runAndReadAll(q.sql, q.parameters as never)).getRowObjectsJS();
    return rows
      .map((r) => ({ days: Number(r[col('value')]), event: Number(r[col('event')]) }))
      .filter((p) => !Number.isNaN(p.days));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** True at-risk and events per agreed bin end, placed as the site places them. */
function truthOnGrid(
  ps: Array<{ days: number; event: number }>,
  grid: number[],
): Map<number, { atRisk: number; events: number }> {
  const bins = ps.map((p) => ({ bin: grid.findIndex((e) => e >= binEnd(p.days, BIN_DAYS)), event: p.event === 1 }));
  return new Map(
    grid.map((time, b) => [
      time,
      { atRisk: bins.filter((x) => x.bin >= b).length, events: bins.filter((x) => x.bin === b && x.event).length },
    ]),
  );
}

type Km = Awaited<ReturnType<typeof runKm>>;

async function runKm(c: Plan['cohort'], site: string) {
  const { table, status } = await runThroughHub(hub.url, km(c), [site]);
  const meta = table.schema.metadata.get('fedomop.km');
  const grid: number[] = meta ? JSON.parse(meta).grid : [];
  const rows = new Map(plainRows(table).map((r) => [r.time as number, r]));
  return { status, grid, rows };
}

const released = (r: PlainRow | undefined, m: string): Interval =>
  r ? [r[`${m}_lower`] as number, r[`${m}_upper`] as number] : [0, Number.POSITIVE_INFINITY];

test('KM, then the same KM on 1 … k−1 persons fewer: no per-bin difference pinned; the differing counts widened (standard)', async () => {
  const K = 5;
  const board = new Scoreboard();
  let widened = 0;
  const runs: Array<{ all: Plan['cohort']; fewer: Plan['cohort']; first: Km; second: Km }> = [];
  for (const cancer of ['lung', 'breast'] as const) {
    const { all, fewer, t } = await pair(cancer, K);
    const first = await runKm(all, 'std');
    const second = await runKm(fewer, 'std');
    assert.equal(first.status.state, 'done', JSON.stringify(first.status));
    assert.equal(second.status.state, 'done', JSON.stringify(second.status));
    assert.ok(first.grid.length > 3, `${cancer}: a grid of several bins (${first.grid.length})`);
    // The first KM is not widened against itself: with its grid's censored rule, the curve runs to the end.
    const curve = [...first.rows.values()];
    assert.ok(
      curve.every((r) => r.survival !== null && r.n_at_risk !== null),
      `${cancer}: the first curve runs over its ${curve.length} bins: ${curve.map((r) => `${r.time}:${r.n_at_risk}`).join(' ')}`,
    );
    const truth1 = truthOnGrid(await people(all), first.grid);
    const truth2 = truthOnGrid(await people(fewer), second.grid);
    for (const [time, a] of truth1) {
      const b = truth2.get(time);
      if (!b) continue;
      for (const [m, d] of [
        ['n_at_risk', a.atRisk - b.atRisk],
        ['n_events', a.events - b.events],
      ] as const) {
        if (d < 1 || d > K - 1) continue;
        const row = second.rows.get(time);
        if (row && row[m] === null) widened++;
        board.target(
          `km vs km ${m}`,
          d,
          meet(minus(released(first.rows.get(time), m), released(row, m)), [1, K - 1]),
          `${cancer} day ${time}`,
        );
      }
    }
    // The persons left out were all at risk at day 0: that count is the first the history catches.
    const day0 = second.rows.get(second.grid[0]);
    assert.equal(day0?.n_at_risk, null, `${cancer}: at risk at day 0 of the second KM is widened (${t} persons fewer)`);
    assert.ok((day0?.n_at_risk_upper as number) - (day0?.n_at_risk_lower as number) > 2 * 2 + 2 * (K - 1) - 1);
    console.log(`# ${cancer}: ${t} persons fewer, grids ${first.grid.length} / ${second.grid.length} bins`);
    runs.push({ all, fewer, first, second });
  }
  const total = board.total();
  console.log(`# ${board.print('KM vs KM (lung, breast)')}; widened ${widened}`);
  assert.ok(total.targets >= 2, 'targets found');
  assert.equal(total.pinned, 0);
  assert.equal(total.dishonest, 0);
  assert.ok(widened >= 2);
  // After a restart (same port, the history read from its file): the same KMs give the same counts,
  // and the second ones are still widened.
  await sites.std.stop();
  await startSite('std', 'standard', new URL(sites.std.url).port);
  for (const { all, fewer, first, second } of runs) {
    assert.deepEqual([...(await runKm(all, 'std')).rows.values()], [...first.rows.values()]);
    const again = await runKm(fewer, 'std');
    assert.deepEqual([...again.rows.values()], [...second.rows.values()]);
    assert.equal(again.rows.get(second.grid[0])?.n_at_risk, null);
  }
});

test('a count of the cohort minus a few persons, then its KM: the at-risk set at day 0 is widened (standard)', async () => {
  const K = 5;
  const { all, fewer, t } = await pair('prostate', K);
  const counted = await runThroughHub(hub.url, plan(fewer, { kind: 'count' } as never), ['std']);
  const count = plainRows(counted.table).find((r) => r.site === 'std')!;
  assert.notEqual(count.persons, null, 'the count itself is released');
  const after = await runKm(all, 'std');
  assert.equal(after.status.state, 'done');
  const day0 = after.rows.get(after.grid[0])!;
  assert.equal(day0.n_at_risk, null, 'at risk at day 0 differs from the count by t persons: widened');
  const board = new Scoreboard();
  const truthAtRisk = truthOnGrid(await people(all), after.grid).get(after.grid[0])!.atRisk;
  const truthCount = Number((await truth(file, plan(fewer, { kind: 'count' } as never)))[0].persons);
  assert.equal(truthAtRisk - truthCount, t);
  board.target(
    'count vs km',
    t,
    meet(minus(released(day0, 'n_at_risk'), [count.persons_lower as number, count.persons_upper as number]), [1, K - 1]),
  );
  console.log(`# ${board.print(`count vs KM at risk (prostate, ${t} persons)`)}`);
  assert.equal(board.total().pinned, 0);
  assert.equal(board.total().dishonest, 0);
});

test('strict: the second KM is refused (422 ERR_DISCLOSURE_DIFFERENCE) naming the first; the steward sees both', async () => {
  const { all, fewer } = await pair('lung', 10);
  const first = await runKm(all, 'strict');
  assert.equal(first.status.state, 'done', JSON.stringify(first.status));
  const again = await runKm(all, 'strict');
  assert.equal(again.status.sites.strict.error, undefined, 'a repeat is not a difference');
  const second = await runKm(fewer, 'strict');
  const error = second.status.sites.strict.error;
  assert.equal(error?.code, 'ERR_DISCLOSURE_DIFFERENCE', JSON.stringify(second.status));
  assert.equal(error.earlierPlanHash, await planHash(km(all)));
  assert.match(error.earlierCell, /^km-counts at-risk all \d+$/);
  const lines = readdirSync(path.join(dir, 'strict'))
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(path.join(dir, 'strict', f), 'utf8')
        .trim()
        .split('\n'),
    )
    .map(
      (l) =>
        JSON.parse(l) as { analysis: string; decision: string; sets?: Array<{ cell: string }>; earlier?: { planHash: string } },
    );
  const recorded = lines.find((l) => l.analysis === 'km km-counts' && l.decision === 'released');
  assert.ok(
    recorded?.sets?.some((s) => s.cell.startsWith('km-counts events ')),
    'per-bin sets recorded',
  );
  assert.ok(recorded!.sets!.length <= 3 * first.grid.length + 3);
  console.log(
    `# strict KM (k = 10): grid ${first.grid.length} bins, ${recorded!.sets!.length} person sets recorded, ${JSON.stringify(recorded).length} bytes of history line`,
  );
  const refused = lines.find((l) => l.analysis === 'km km-counts' && l.decision === 'refused');
  assert.equal(refused?.earlier?.planHash, error.earlierPlanHash);
});
