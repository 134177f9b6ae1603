/**
 * One conformance case on one engine, as README "How to run a case" says: empty CDM, load the
 * PREP files in order, patch and generate, then compare (cohort), only finish (smoke), or expect
 * a refusal before any SQL runs (error).
 */
import { generateCohort, prepareGeneration } from '../../src/generate/generate-cohort.js';
import { plainSql } from '../../src/generate/database.js';
import { cdmDdl } from './cdm-ddl.js';
import { actualRows, compareRows, expectedRows } from './compare.js';
import type { CaseDatabase, Engine } from './engines.js';
import { applyPatch } from './json-patch.js';
import { loadDataFile } from './load-data.js';
import { readJson, type ConformanceCase } from './manifest.js';

export interface CaseOutcome {
  name: string;
  engine: string;
  kind: ConformanceCase['kind'];
  passed: boolean;
  /** Why it failed, or what the refusal said for an error case. */
  detail: string[];
  seconds: number;
}

/** What an error says, first line with its code. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.code ?? (err as Error)?.name ?? 'Error'}: ${String(e.message ?? err).split('\n')[0]}`;
}

async function setUp(c: ConformanceCase, root: string, target: CaseDatabase): Promise<void> {
  const { db, cdmSchema } = target;
  await db.transaction(async (tx) => {
    for (const ddl of cdmDdl(db.dialect.name, cdmSchema)) await tx.query(plainSql(ddl));
    for (const file of c.prep) await loadDataFile(tx, readJson(root, file), db.dialect, cdmSchema);
  });
}

async function check(c: ConformanceCase, root: string, target: CaseDatabase): Promise<string[]> {
  const { db, resultsSchema } = target;
  const expression = applyPatch(readJson(root, c.expression), c.modifications);
  const options = { cohortId: c.cohortDefinitionId, resultsSchema };
  if (c.kind === 'error') {
    try {
      prepareGeneration(expression, db.dialect, options);
    } catch (err) {
      // A deliberate refusal is a plan error naming the problem; anything else is a crash that
      // happens to stop generation (or the placeholder seam), which a user could not act on.
      const code = (err as { code?: string }).code;
      if (code === 'ERR_PLAN_INVALID' || code === 'ERR_PLAN_UNSUPPORTED') return [`refused: ${describe(err)}`];
      throw new Error(`refused, but not as a plan error (ERR_PLAN_INVALID/UNSUPPORTED): ${describe(err)}`);
    }
    throw new Error('circe refuses this definition, but fedomop built SQL for it');
  }
  try {
    await generateCohort({ db, expression, ...options });
  } catch (err) {
    throw new Error(`generation failed: ${describe(err)}`);
  }
  if (c.kind === 'smoke' || !c.verify) return [];
  const verify = readJson(root, c.verify);
  const lines: string[] = [];
  await db.transaction(async (tx) => {
    for (const vt of c.verifyTables) {
      const actual = await actualRows(tx, db.dialect, vt, resultsSchema);
      lines.push(...compareRows(vt.table, expectedRows(verify, vt), actual));
    }
  });
  if (lines.length) throw Object.assign(new Error('rows differ'), { lines });
  return [];
}

export async function runCase(c: ConformanceCase, index: number, root: string, engine: Engine): Promise<CaseOutcome> {
  const started = performance.now();
  const outcome = (passed: boolean, detail: string[]): CaseOutcome => ({
    name: c.name,
    engine: engine.name,
    kind: c.kind,
    passed,
    detail,
    seconds: (performance.now() - started) / 1000,
  });
  let target: CaseDatabase | undefined;
  try {
    target = await engine.create(index);
    await setUp(c, root, target);
    return outcome(true, await check(c, root, target));
  } catch (err) {
    const lines = (err as { lines?: string[] }).lines;
    return outcome(false, lines ?? [(err as Error).message]);
  } finally {
    await target?.dispose();
  }
}
