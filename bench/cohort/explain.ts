/**
 * Profiling aid for the cohort benchmark: runs the compiler's generation statements for
 * prostate-psa.json (or the hand SQL) in one transaction, each statement whose SQL contains
 * `--match` as EXPLAIN ANALYZE instead (it still executes, so later statements see its table),
 * and prints the plans. Point it at the database cohort-bench left behind: a DuckDB copy, or the
 * PostgreSQL cluster kept with --keep-pg.
 * Usage: node lib-test/bench/cohort/explain.js --db <file | postgres://...> [--match primary_events] [--hand]
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { openWritableDatabase, prepareGeneration, readExpressionFile } from 'fedomop/lib/generate/index.js';
import { REPO } from '../../test/harness/processes.js';
import { handStatements } from './hand-sql.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    match: { type: 'string', default: 'CREATE TEMPORARY TABLE' },
    hand: { type: 'boolean', default: false },
  },
});

/** Statements EXPLAIN takes (not DDL such as DROP or CREATE TABLE IF NOT EXISTS). */
const EXPLAINABLE = /^\s*(CREATE TEMPORARY TABLE|INSERT|DELETE)/;

async function main() {
  if (!values.db) throw new Error('--db is required');
  const db = await openWritableDatabase(values.db);
  try {
    const expression = await readExpressionFile(path.join(REPO, 'bench', 'cohort', 'prostate-psa.json'));
    const statements = values.hand ? handStatements(2) : prepareGeneration(expression, db.dialect, { cohortId: 1 }).statements;
    const postgres = db.dialect.name === 'postgres';
    await db.transaction(async (tx) => {
      for (const [i, s] of statements.entries()) {
        if (!s.sql.includes(values.match!) || !EXPLAINABLE.test(s.sql)) {
          await tx.query(s);
          continue;
        }
        const prefix = postgres ? 'EXPLAIN (ANALYZE, BUFFERS) ' : 'EXPLAIN ANALYZE ';
        const t = performance.now();
        const rows = await tx.query({ ...s, sql: prefix + s.sql });
        console.log(
          `\n=== statement ${i + 1}: ${((performance.now() - t) / 1000).toFixed(1)} s\n${s.sql}\n--- parameters ${JSON.stringify(s.parameters)}`,
        );
        for (const r of rows) console.log(Object.values(r).map(String).join('\n'));
      }
    });
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
