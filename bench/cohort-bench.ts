/**
 * Cohort generation benchmark (not a test; issue #4): `fedomop cohort generate`'s path
 * (`generateCohort`) on a 1M-person synthetic site for a realistic ATLAS definition
 * (bench/cohort/prostate-psa.json: first prostate cancer diagnosis with 365 days prior
 * observation; ≥ 1 PSA measurement from 180 days before to 30 days after; no GI hemorrhage
 * before), against the same cohort written as hand-optimised SQL (bench/cohort/hand-sql.ts),
 * in the same run, on DuckDB and PostgreSQL. Target: compiler / hand ≤ 1.5 (medians).
 *
 * Both paths write in one transaction on the same open connection (opening the database is left
 * out of both), alternate run by run so drift hits both alike, and must produce identical rows.
 * Usage: node lib-test/bench/cohort-bench.js [--persons 1000000] [--runs 5] [--engine duckdb|postgres|all]
 *          [--keep-pg] [--pg-url postgres://... (a database this script loaded and kept)] [--stages 5]
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { openWritableDatabase, readExpressionFile, type WritableDatabase } from 'fedomop/lib/generate/index.js';
import { tablesRead } from 'fedomop/lib/generate/cdm-tables.js';
import { checkCohortExpression } from 'fedomop/lib/circe/check.js';
import { REPO } from '../test/harness/processes.js';
import { handStatements } from './cohort/hand-sql.js';
import { median, slowestStages, timeCompiler, timeHand, type StageTime, type Timed } from './cohort/measure.js';
import { DIR, duckdbCopy, postgresSite, sourceSite } from './cohort/sites.js';
import { assertRulesBite, assertSameCohort, cohortFigures, type CohortFigures } from './cohort/verify.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    engine: { type: 'string', default: 'all' },
    'keep-pg': { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    'pg-port': { type: 'string', default: String(55000 + (process.pid % 1000)) },
    stages: { type: 'string', default: '5' },
  },
});
const PERSONS = Number(values.persons);
const RUNS = Number(values.runs);
const STAGES = Number(values.stages);
const ENGINES = values.engine === 'all' ? ['duckdb', 'postgres'] : [values.engine!];
if (ENGINES.some((e) => e !== 'duckdb' && e !== 'postgres')) throw new Error(`--engine must be duckdb, postgres or all`);
const DEFINITION = path.join(REPO, 'bench', 'cohort', 'prostate-psa.json');
/** Cohort ids the two paths write under, side by side in the same tables. */
const COMPILED_ID = 1;
const HAND_ID = 2;

const log = (line: string) => console.log(`  ${line}`);

interface EngineResult {
  engine: string;
  compiler: Timed[];
  hand: Timed[];
  figures: CohortFigures;
}

async function benchEngine(
  engine: string,
  db: WritableDatabase,
  expression: unknown,
  ruleNames: string[],
): Promise<EngineResult> {
  const hand = handStatements(HAND_ID);
  // Warm-up (caches, DuckDB's first-touch of the file, PostgreSQL's buffers), then the checks.
  const warm = await timeCompiler(db, expression, COMPILED_ID);
  const warmHand = await timeHand(db, hand);
  log(
    `${engine}: warm-up compiler ${warm.ms.toFixed(0)} ms (${warm.result.statements} statements), hand ${warmHand.ms.toFixed(0)} ms`,
  );
  await assertSameCohort(db, COMPILED_ID, HAND_ID);
  const figures = await cohortFigures(db, COMPILED_ID, ruleNames.length);
  assertRulesBite(figures, ruleNames);
  if (figures.persons !== warm.result.persons || figures.rows !== warm.result.rows)
    throw new Error('generateCohort reported other counts than it wrote');

  const compiler: Timed[] = [];
  const handRuns: Timed[] = [];
  for (let i = 0; i < RUNS; i++) {
    compiler.push(await timeCompiler(db, expression, COMPILED_ID));
    handRuns.push(await timeHand(db, hand));
    log(
      `${engine}: run ${i + 1}/${RUNS}: compiler ${compiler[i].ms.toFixed(0)} ms, hand ${handRuns[i].ms.toFixed(0)} ms (load ${loadavg()[0].toFixed(1)})`,
    );
  }
  await assertSameCohort(db, COMPILED_ID, HAND_ID);
  log(`${engine}: compiler's cohort = hand SQL's cohort (rows, masks, summary; EXCEPT ALL both ways), before and after the runs`);
  return { engine, compiler, hand: handRuns, figures };
}

function printStages(title: string, stages: StageTime[]): void {
  console.log(`  ${title}`);
  for (const s of stages) console.log(`    ${s.ms.toFixed(0).padStart(7)} ms  ${s.label}`);
}

function printTable(results: EngineResult[], ruleNames: string[]): void {
  console.log('');
  console.log('engine    compiler median  hand median  ratio (target ≤ 1.5)  cohort persons / rows');
  for (const r of results) {
    const c = median(r.compiler.map((t) => t.ms));
    const h = median(r.hand.map((t) => t.ms));
    const ratio = c / h;
    console.log(
      `${r.engine.padEnd(9)} ${`${c.toFixed(0)} ms`.padStart(15)}  ${`${h.toFixed(0)} ms`.padStart(11)}  ` +
        `${ratio.toFixed(2).padStart(5)} ${ratio <= 1.5 ? 'ok  ' : 'OVER'}${' '.repeat(11)}  ${r.figures.persons} / ${r.figures.rows}`,
    );
  }
  const f = results[0].figures;
  const steps = f.afterRule.map(
    (n, k) => `→ ${ruleNames[k]}: ${n} (−${(k === 0 ? f.base : f.afterRule[k - 1]) - n}; ${f.failing[k]} fail it on its own)`,
  );
  console.log(`attrition (persons): first diagnosis with 365 d prior observation ${f.base} ${steps.join(' ')}`);
  for (const r of results) {
    console.log('');
    printStages(`${r.engine}, compiler: slowest statements (median ms over runs)`, slowestStages(r.compiler, STAGES));
    printStages(`${r.engine}, hand SQL: statements (median ms over runs)`, slowestStages(r.hand, STAGES));
  }
}

async function main() {
  mkdirSync(DIR, { recursive: true });
  console.log(
    `fedomop cohort generation benchmark — ${new Date().toISOString()}, ${PERSONS.toLocaleString('en')} persons, ` +
      `${RUNS} runs after one warm-up, ${availableParallelism()} cores (load ${loadavg()[0].toFixed(1)}: shared with other work)`,
  );
  const raw = await readExpressionFile(DEFINITION);
  const expression = checkCohortExpression(raw);
  const ruleNames = (expression.InclusionRules ?? []).map((r, k) => r.name ?? `rule ${k + 1}`);
  const source = await sourceSite(PERSONS, log);
  const results: EngineResult[] = [];

  if (ENGINES.includes('duckdb')) {
    const db = await openWritableDatabase(duckdbCopy(source, PERSONS));
    try {
      results.push(await benchEngine('duckdb', db, raw, ruleNames));
    } finally {
      await db.close();
    }
  }

  if (ENGINES.includes('postgres')) {
    const site = values['pg-url']
      ? { url: values['pg-url'], stop: async () => {} }
      : await postgresSite(source, tablesRead(expression), Number(values['pg-port']), log);
    try {
      const db = await openWritableDatabase(site.url);
      try {
        results.push(await benchEngine('postgres', db, raw, ruleNames));
      } finally {
        await db.close();
      }
    } finally {
      await site.stop(values['keep-pg'] === true);
    }
  }

  // Both engines must agree on the cohort, too.
  const [a, b] = results;
  if (b && JSON.stringify(a.figures) !== JSON.stringify(b.figures))
    throw new Error(`DuckDB and PostgreSQL disagree: ${JSON.stringify(a.figures)} vs ${JSON.stringify(b.figures)}`);
  printTable(results, ruleNames);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
