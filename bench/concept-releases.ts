/**
 * Cost of keying concept counts by persons (not a test): the one pass concept-releases.ts makes over
 * the counted clinical columns (a page of person ids at a time, keys and signatures in this process)
 * on a real DuckDB file, against the index's aggregate GROUP BY counts in the same run, and the check
 * of a cohort cell against the published sets. Prints wall, this process's CPU (DuckDB's threads
 * included) and RSS; say the machine load when quoting it.
 * Usage: node lib-test/bench/concept-releases.js --db FILE [--k 5] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { DuckDbDatabase } from '../src/site/duckdb-database.js';
import { buildPublishedConcepts, countedColumnsOf } from '../src/site/concept-releases.js';
import { CellAccumulator } from '../src/disclosure/person-set.js';
import { RecordKeys } from '../src/disclosure/record-keys.js';
import { col, countStar, fn, lit, bin, sel, select, table } from '../src/sql/build.js';
import { compile, duckdbDialect } from '../src/sql/index.js';

const { values } = parseArgs({
  options: { db: { type: 'string' }, k: { type: 'string', default: '5' }, runs: { type: 'string', default: '3' } },
});
if (!values.db) throw new Error('--db FILE');
const k = Number(values.k);
const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(3));
const db = await DuckDbDatabase.open(values.db);
const columns = await countedColumnsOf(db);
const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
console.log(
  `${values.db}: ${columns.length} counted columns; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await f();
  const c = process.cpuUsage(c0);
  console.log(
    `${what}: wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((c.user + c.system) / 1000).toFixed(0)} ms, rss ${mb(process.memoryUsage().rss)}`,
  );
  return out;
}

for (let run = 0; run < Number(values.runs); run++) {
  // Baseline: the index's per-column aggregate counts (what load.ts runs), same columns.
  await timed('aggregate GROUP BY counts (baseline)', async () => {
    for (const [t, c] of columns)
      await db.query(
        compile(
          select({
            select: [
              sel(col(`x.${c}`), 'concept_id'),
              sel(countStar(), 'records'),
              sel(fn('count', [col('x.person_id')], { distinct: true }), 'persons'),
            ],
            from: table(t, 'x'),
            where: bin('<>', col(`x.${c}`), lit(0)),
            groupBy: [col(`x.${c}`)],
          }),
          duckdbDialect,
        ),
      );
  });
  const published = await timed('person-keyed pass', () => buildPublishedConcepts(db, columns, keys, k));
  console.log(`  ${published.size} concepts, ${published.sets.count} published sets`);
  // The check a cohort release makes: a 2,000-person set against the published sets.
  const w = keys.derive(BigInt64Array.from({ length: 2000 }, (_, i) => BigInt(i * 7 + 1)));
  const acc = new CellAccumulator(k);
  for (let i = 0; i < 2000; i++) acc.add(w, i, true, 1);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    published.conflict(acc.personSet());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`  published check of one cell: p50 ${times[100].toFixed(3)} ms, p95 ${times[190].toFixed(3)} ms`);
}
await db.close();
